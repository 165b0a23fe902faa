/** What every passage viewer (PDF page, text) is given. */
export interface ViewerProps {
  documentId: string;
  kind: string | null;
  pageCount: number | null;
  page: number | null;
  span: { start: number; end: number } | null;
  /** Inside `span`: the sentence(s) supporting the answer, marked strongly (the rest of the span faintly). */
  support?: { start: number; end: number } | null;
}
