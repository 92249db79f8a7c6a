/** A breadcrumb trail; the last step is the current page and is not a link. */
export function Breadcrumb({ trail }: { trail: { label: string; href?: string }[] }) {
  return (
    <nav class="breadcrumb" aria-label="Breadcrumb">
      <ol>
        {trail.map((step, i) =>
          i === trail.length - 1 || step.href === undefined ? (
            <li key={step.label} aria-current="page">
              {step.label}
            </li>
          ) : (
            <li key={step.label}>
              <a href={step.href}>{step.label}</a>
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}
