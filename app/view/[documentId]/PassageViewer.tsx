"use client";
import { PdfPageView } from "./PdfPageView";
import { TextPassageView } from "./TextPassageView";
import type { ViewerProps } from "./viewerProps";

export function PassageViewer(props: ViewerProps) {
  if (props.kind === "pdf") return <PdfPageView {...props} page={props.page ?? 1} />;
  return <TextPassageView {...props} />;
}
