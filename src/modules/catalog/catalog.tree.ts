import type { CategorySummary } from './catalog.types.js';

export type CategorySummaryNode = CategorySummary & { children: CategorySummaryNode[] };

/** Categories in display order as a tree: top-level ones, each with its children in order. */
export function categoryTree(categories: readonly CategorySummary[]): CategorySummaryNode[] {
  const nodes = new Map(categories.map((c) => [c.id, { ...c, children: [] as CategorySummaryNode[] }]));
  const roots: CategorySummaryNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId !== null ? nodes.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
