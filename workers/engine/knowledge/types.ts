/** A short, exact explanation of one log event kind, shown beside the evidence line. */
export interface EventExplanation {
  /** A few words: "Upstream closed the connection early". */
  title: string;
  /** What nginx or the server was doing when it wrote the line. */
  what: string;
  /** What the line means for the request. */
  meaning: string;
  /** The usual causes, most common first. */
  causes: string[];
}
