import { STREAM_THRESHOLD_BYTES } from '../../workers/engine/model.ts';

/**
 * Reads picked or dropped files as text, skipping ones that are clearly not text. Files over
 * the streaming threshold are not read here at all: the worker streams them (a 200 MB log must
 * never become one string on the page's thread).
 */
export async function readDroppedFiles(
  list: FileList | null,
): Promise<{ texts: { name: string; text: string }[]; large: File[] }> {
  const texts: { name: string; text: string }[] = [];
  const large: File[] = [];
  for (const file of Array.from(list ?? [])) {
    if (file.size > STREAM_THRESHOLD_BYTES) {
      large.push(file);
      continue;
    }
    const text = await file.text();
    // Binary junk (images, archives) would only produce noise further down.
    if (text.includes('\u0000')) continue;
    texts.push({ name: file.webkitRelativePath || file.name, text });
  }
  return { texts, large };
}
