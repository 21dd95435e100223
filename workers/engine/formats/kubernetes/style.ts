/**
 * The house style of a YAML file, so inserted text looks like its neighbours: indentation
 * step, whether block sequences are indented under their key, preferred quotes, and whether
 * `command`/`args` arrays are written in flow style (`["sleep", "5"]`).
 */
import { Document, isMap, isPair, isScalar, isSeq, visit, type Node, type Scalar } from 'yaml';
import type { YamlFile } from './yamlfile.ts';

export interface YamlStyle {
  indent: number;
  indentSeq: boolean;
  quote: 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'PLAIN';
  flowCommands: boolean;
  /** Quotes used inside existing command/args arrays (they often differ from the rest). */
  commandQuote: 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'PLAIN';
  newline: string;
}

export function columnOf(text: string, offset: number): number {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  return offset - ls;
}

export function houseStyle(text: string, y: YamlFile): YamlStyle {
  const steps = new Map<number, number>();
  let seqIn = 0;
  let seqOut = 0;
  let dq = 0;
  let sq = 0;
  let plain = 0;
  const cmdTypes = new Map<string, number>();
  let flowCmd = 0;
  let blockCmd = 0;
  for (const doc of y.docs) {
    visit(doc, {
      Pair(_k, pair) {
        if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) return;
        const kcol = columnOf(text, pair.key.range[0]);
        const v = pair.value as Node | null;
        if (isMap(v) && !v.flow && v.items[0] && isScalar(v.items[0].key) && v.items[0].key.range) {
          const d = columnOf(text, v.items[0].key.range[0]) - kcol;
          if (d > 0 && d <= 8) steps.set(d, (steps.get(d) ?? 0) + 1);
        }
        if (isSeq(v) && !v.flow && v.range) {
          const dash = columnOf(text, v.range[0]);
          if (dash > kcol) seqIn++;
          else seqOut++;
        }
        const key = String(pair.key.value);
        if ((key === 'command' || key === 'args') && isSeq(v)) {
          if (v.flow) flowCmd++;
          else blockCmd++;
          for (const it of v.items) {
            if (isScalar(it) && typeof it.value === 'string')
              cmdTypes.set(String(it.type), (cmdTypes.get(String(it.type)) ?? 0) + 1);
          }
        }
      },
      Scalar(k, s: Scalar) {
        if (k === 'key' || typeof s.value !== 'string') return;
        if (s.type === 'QUOTE_DOUBLE') dq++;
        else if (s.type === 'QUOTE_SINGLE') sq++;
        else if (s.type === 'PLAIN') plain++;
      },
    });
  }
  const indent = [...steps.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 2;
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const quote = plain > dq + sq ? 'PLAIN' : sq > dq ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
  const cmdTop = [...cmdTypes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return {
    indent,
    indentSeq: seqIn >= seqOut,
    quote,
    commandQuote:
      cmdTop === 'QUOTE_DOUBLE' || cmdTop === 'QUOTE_SINGLE' || cmdTop === 'PLAIN' ? cmdTop : quote,
    flowCommands: flowCmd > blockCmd,
    newline: crlf > 0 && crlf * 2 >= (text.match(/\n/g) ?? []).length ? '\r\n' : '\n',
  };
}

/**
 * Renders `value` as YAML lines in the house style with yaml's Document API. Arrays under a
 * `command`/`args` key are flow when the file writes them that way; `flowAll` renders the
 * whole value in flow style (for insertion into a flow mapping).
 */
export function render(value: unknown, style: YamlStyle, flowAll = false): string {
  const doc = new Document(value);
  visit(doc, {
    Pair(_k, pair) {
      if (
        isPair(pair) &&
        isScalar(pair.key) &&
        ['command', 'args'].includes(String(pair.key.value)) &&
        isSeq(pair.value)
      ) {
        if (style.flowCommands) pair.value.flow = true;
        for (const it of pair.value.items)
          if (isScalar(it) && typeof it.value === 'string') it.type = style.commandQuote;
      }
    },
    Scalar(k, s) {
      // Keys stay plain; yaml quotes a PLAIN string anyway when it would read back as a number.
      if (k !== 'key' && typeof s.value === 'string' && !s.type) s.type = style.quote;
    },
  });
  if (flowAll && (isMap(doc.contents) || isSeq(doc.contents))) doc.contents.flow = true;
  return doc
    .toString({
      indent: style.indent,
      indentSeq: style.indentSeq,
      lineWidth: 0,
      flowCollectionPadding: false,
      defaultKeyType: 'PLAIN',
    })
    .replace(/\n$/, '');
}
