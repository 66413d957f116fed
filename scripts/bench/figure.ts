/** The headings a figure's name begins with, in the order the table lists them. */
export const FIGURE_HEADINGS = ['Event writes', 'Reads', 'Portfolio', 'Dashboard', 'Memory'] as const;
export type FigureHeading = (typeof FIGURE_HEADINGS)[number];

/**
 * One measured figure against its floor, measured in the same run. `ratio` is
 * always value ÷ floor, so a target reads as a bound on that quotient (or, for
 * memory, on the value itself). `note` gives the measured cause of a missed
 * target and any caveat of a met one.
 */
export type Figure = {
  heading: FigureHeading;
  /** The rest of the name, after the heading. */
  name: string;
  value: string;
  floor: string;
  ratio: number | null;
  target: string;
  met: boolean;
  note: string;
};

/** The machine and software a run measured, for the report's header. */
export type RunFacts = {
  date: Date;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  nodeVersion: string;
  postgresVersion: string;
  chromiumVersion: string;
  soak: boolean;
  durationSeconds: number;
};
