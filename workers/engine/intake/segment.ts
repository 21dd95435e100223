/**
 * Intake: one text — a paste, a file, stdin — may hold several inputs. `segmentText` splits it
 * into segments of one kind each (log runs, config files and fragments, command lines, prose),
 * honouring the separators people use (blank lines, shell transcripts, Markdown fences and
 * captions, banners), and names each one: by its caption, fence or command
 * (`gunicorn.conf.py`), else `pasted #2 (nginx)`. Each segment keeps the paste line of every
 * one of its lines, so evidence can point at the user's own text.
 */
import type { EventSource } from '../model.ts';
import { segmentRegion, type Piece } from './blocks.ts';
import type { SegmentKind } from './hints.ts';
import { eolAt, lineAt, splitLines } from './lines.ts';
import { scan } from './structure.ts';

export type { SegmentKind } from './hints.ts';

export interface Segment {
  name: string;
  kind: SegmentKind;
  /** 0..1: how sure the split is of `kind`. */
  confidence: number;
  /** First and last line in the paste (1-based, inclusive). */
  from: number;
  to: number;
  /** The segment as a file of its own (quote marks and fence indentation removed). */
  text: string;
  /** The paste line (1-based) of each line of `text`. */
  lineMap: number[];
  /** Whether a caption, a fence, a command or a banner gave the name. */
  named: boolean;
  /** For log segments: the sources of their lines. */
  sources?: EventSource[];
  /** Lines quoted from another input pasted whole (its name): set aside, not read twice. */
  sameAs?: string;
}

export interface SegmentOptions {
  accessLogFormats?: Record<string, string>;
}

type Formats = Parameters<typeof segmentRegion>[1];

/** Segments that are inputs to analyse (not prose, not version banners). */
export function isInput(kind: SegmentKind): kind is Exclude<SegmentKind, 'prose' | 'version'> {
  return kind !== 'prose' && kind !== 'version';
}

export function segmentText(pasteName: string, text: string, formats: Formats): Segment[] {
  const lines = splitLines(text);
  const refs = lines.starts.map((_, index) => ({ index, text: lineAt(lines, index) }));
  const pieces = scan(refs).flatMap((region) => segmentRegion(region, formats));
  const inputs = pieces.filter((p) => isInput(p.kind));
  const names = new Set<string>();
  let n = 0;
  return pieces
    .filter((p) => p.lines.length > 0)
    .map((piece): Segment => {
      const built = build(piece, lines);
      let name: string;
      if (!isInput(piece.kind)) name = `${pasteName} (${piece.kind})`;
      else {
        n++;
        name =
          piece.name ?? (inputs.length === 1 ? pasteName : `${pasteName} #${n} (${piece.kind})`);
      }
      name = unique(name, names);
      return {
        name,
        kind: piece.kind,
        confidence: piece.confidence,
        from: piece.lines[0]!.index + 1,
        to: piece.lines.at(-1)!.index + 1,
        ...built,
        named: piece.name !== undefined,
        ...(piece.sources && piece.sources.length > 0 ? { sources: piece.sources } : {}),
      };
    });
}

/** The segment's text: its lines (joined where a wrap cut them) with their own line breaks. */
function build(
  piece: Piece,
  lines: ReturnType<typeof splitLines>,
): { text: string; lineMap: number[] } {
  const parts: string[] = [];
  const lineMap: number[] = [];
  piece.lines.forEach((ref) => {
    if (piece.dropped?.has(ref.index)) return;
    let eol = eolAt(lines, ref.index);
    // A wrapped line's break is the one after its last piece.
    const joined = piece.joined?.get(ref.index);
    if (joined !== undefined) {
      let last = ref.index;
      while (piece.dropped?.has(last + 1)) last++;
      eol = eolAt(lines, last);
    }
    parts.push(joined ?? ref.text, eol);
    lineMap.push(ref.index + 1);
  });
  return { text: parts.join(''), lineMap };
}

function unique(name: string, taken: Set<string>): string {
  let out = name;
  for (let k = 2; taken.has(out); k++) out = `${name} (${k})`;
  taken.add(out);
  return out;
}
