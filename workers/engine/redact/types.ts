/**
 * Types shared by the secret detectors and the masking step.
 * Detectors only say where a secret is; they never decide how it is shown.
 */

/** Which layer found a candidate: decides the kind kept when two candidates overlap. */
export type Layer = 'vendor' | 'format' | 'common' | 'generic';

/** A secret found in one file's text: [start, end) in UTF-16 offsets of that text. */
export interface Candidate {
  start: number;
  end: number;
  /** Short kebab-case name shown in the placeholder and the report, e.g. `aws-secret-key`. */
  kind: string;
  layer: Layer;
  /**
   * What makes two secrets "the same" for placeholder numbering when the text differs,
   * e.g. the base64-decoded value of a Kubernetes Secret `data` entry. Default: the text.
   */
  identity?: string;
}

/** A detector reads text and returns candidates. It must never throw and must run in linear time. */
export type Detector = (text: string) => Candidate[];

/** One replaced region of a file. Offsets are in the ORIGINAL text. */
export interface RedactedSpan {
  start: number;
  end: number;
  kind: string;
  /** The stable label, e.g. `«redacted:aws-secret-key:1»`: the same for the same secret everywhere. */
  placeholder: string;
  /**
   * What was written in place of [start, end): the placeholder followed by the line breaks the
   * secret spanned, so line numbers are the same in the raw and the redacted text.
   */
  replacement: string;
}
