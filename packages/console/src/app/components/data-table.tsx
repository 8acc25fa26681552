import type { ComponentChildren } from 'preact';
import { hrefOf, type Page } from '../router';

/** A column's heading: its label, or the label of a right-aligned numeric column. */
export type ColumnHead = ComponentChildren | { label: ComponentChildren; numeric: true };

function isNumeric(head: ColumnHead): head is { label: ComponentChildren; numeric: true } {
  return typeof head === 'object' && head !== null && 'numeric' in head;
}

/**
 * The console's list table: headings, one row per item drawn by `children`,
 * and, when there is none, a single muted row saying so across every column.
 */
export function DataTable<T>({
  columns,
  rows,
  empty,
  testid,
  children,
}: {
  columns: readonly ColumnHead[];
  rows: readonly T[];
  empty: string;
  testid?: string;
  children: (row: T) => ComponentChildren;
}) {
  return (
    <table data-testid={testid}>
      <thead>
        <tr>
          {columns.map((head, index) =>
            isNumeric(head) ? (
              <th key={index} class="num">
                {head.label}
              </th>
            ) : (
              <th key={index}>{head}</th>
            ),
          )}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={columns.length} class="muted">
              {empty}
            </td>
          </tr>
        )}
        {rows.map(children)}
      </tbody>
    </table>
  );
}

/** A list row that opens its item's detail (`#/<page>/<id>`) when clicked, and is marked while that item is open. */
export function OpenableRow({
  page,
  id,
  selected,
  testid,
  children,
}: {
  page: Page;
  id: string;
  selected: string;
  testid: string;
  children: ComponentChildren;
}) {
  return (
    <tr
      data-testid={testid}
      data-id={id}
      class={id === selected ? 'clickable selected' : 'clickable'}
      onClick={() => {
        location.hash = hrefOf(page, id);
      }}
    >
      {children}
    </tr>
  );
}
