/**
 * The plain data a portfolio is rendered from. Templates read only these
 * objects (never ORM entities, whose getters Handlebars cannot read).
 */

/** One evidence item as the portfolio lists it; `ref` is its reference number (E1, E2, …) in the order of the index. */
export type PortfolioEvidence = {
  ref: string;
  id: string;
  kind: 'note' | 'link' | 'file';
  title: string;
  revision: number;
  sha256: string | null;
  body: string | null;
  url: string | null;
  fileName: string | null;
  mediaType: string | null;
  size: number | null;
  reference: string | null;
  elementCodes: string[];
};

export type PortfolioComment = { author: string; body: string; time: string; resolved: boolean };

export type PortfolioElement = {
  code: string;
  title: string;
  confirmed: boolean;
  rating: { id: string; label: string } | null;
  statement: string;
  /** The verdict of the latest review round that judged this element, or null. */
  review: { verdict: string; comment: string; suggestedRating: { id: string; label: string } | null; mentor: string } | null;
  comments: PortfolioComment[];
  /** The evidence mapped to this element, with the note on how each item shows it. */
  evidence: { ref: string; title: string; note: string }[];
};

/** A group of the standard's tree: a criterion, a sub-criterion, or a group of another standard's shape. */
export type PortfolioGroup = { code: string; title: string; level: string; groups: PortfolioGroup[]; elements: PortfolioElement[] };

export type PortfolioSummaryRow = { code: string; title: string; elements: number; withEvidence: number; rated: number; ratings: Record<string, number> };

export type PortfolioView = {
  /** True until the application is submitted: every page carries DRAFT. */
  draft: boolean;
  library: { name: string };
  standard: { id: string; version: string; title: string; notice: string | null; ratingScale: { id: string; label: string }[] };
  application: { id: string; cycle: string; state: string };
  /** ISO date of the render (drafts) or of the submission. */
  date: string;
  submittedAt: string | null;
  summary: PortfolioSummaryRow[];
  criteria: PortfolioGroup[];
  evidence: PortfolioEvidence[];
};
