/** "1–50 of 1,204" with Previous and Next links: the foot of every paginated back-office list. */
export function ListPager(props: { label: string; locale: string; page: number; pageSize: number; shown: number; total: number; hrefOf: (page: number) => string }) {
  const n = new Intl.NumberFormat(props.locale);
  const first = (props.page - 1) * props.pageSize + 1;
  const last = first + props.shown - 1;
  if (props.shown === 0) return null;
  return (
    <nav class="audit-pager" aria-label={props.label}>
      <p class="audit-pager__range tabular">
        {n.format(first)}–{n.format(last)} of {n.format(props.total)}
      </p>
      <ul>
        {props.page > 1 ? (
          <li>
            <a class="button button--secondary button--small" rel="prev" href={props.hrefOf(props.page - 1)}>
              Previous
            </a>
          </li>
        ) : null}
        {last < props.total ? (
          <li>
            <a class="button button--secondary button--small" rel="next" href={props.hrefOf(props.page + 1)}>
              Next
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
