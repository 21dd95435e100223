/** Reads picked or dropped files as text, skipping ones that are clearly not text. */
export async function readDroppedFiles(
  list: FileList | null,
): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  for (const file of Array.from(list ?? [])) {
    const text = await file.text();
    // Binary junk (images, archives) would only produce noise further down.
    if (text.includes('\u0000')) continue;
    out.push({ name: file.webkitRelativePath || file.name, text });
  }
  return out;
}
