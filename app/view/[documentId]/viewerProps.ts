/** What every passage viewer (PDF page, text) is given. */
export interface ViewerProps {
  documentId: string;
  kind: string | null;
  pageCount: number | null;
  page: number | null;
  span: { start: number; end: number } | null;
}
