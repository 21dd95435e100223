import { STREAM_THRESHOLD_BYTES } from '../../workers/engine/model.ts';

/** Folders are walked to this many files at most: a dropped home directory must not hang. */
const MAX_FILES = 500;

/** A file from a dropped folder, with its path inside that folder. */
export interface DroppedFile {
  file: File;
  path: string;
}

/**
 * Reads picked or dropped files as text, skipping ones that are clearly not text. Files over
 * the streaming threshold are not read here at all: the worker streams them (a 200 MB log must
 * never become one string on the page's thread).
 */
export async function readDroppedFiles(
  list: FileList | DroppedFile[] | null,
): Promise<{ texts: { name: string; text: string }[]; large: File[] }> {
  const texts: { name: string; text: string }[] = [];
  const large: File[] = [];
  const items: (File | DroppedFile)[] = Array.from<File | DroppedFile>(list ?? []);
  for (const item of items.slice(0, MAX_FILES)) {
    const file = 'path' in item ? item.file : item;
    const name = 'path' in item ? item.path : file.webkitRelativePath || file.name;
    // Streaming is for logs; a big `nginx -T` dump is a config and must be parsed whole.
    if (file.size > STREAM_THRESHOLD_BYTES && !(await isDump(file))) {
      large.push(file);
      continue;
    }
    const text = await file.text();
    // Binary junk (images, archives) would only produce noise further down.
    if (text.includes('\u0000')) continue;
    texts.push({ name, text });
  }
  return { texts, large };
}

/** Whether a file starts like `nginx -T` output (its first file marker within 64 KB). */
async function isDump(file: File): Promise<boolean> {
  const head = await file.slice(0, 64 * 1024).text();
  return /^# configuration file .+:\r?$/m.test(head);
}

/**
 * The files of a drop, folders walked (webkitGetAsEntry is the only way a drop exposes a
 * folder's contents). Each file keeps its path inside the dropped folder as its name, so
 * `include` lines and evidence read like the real tree.
 */
export async function filesOfDrop(data: DataTransfer): Promise<DroppedFile[]> {
  const entries = Array.from(data.items)
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return Array.from(data.files, (file) => ({ file, path: file.name }));
  const files: DroppedFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (files.length >= MAX_FILES) return;
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      files.push({ file, path: `${prefix}${file.name}` });
      return;
    }
    if (!entry.isDirectory) return;
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries hands out a directory in batches until it returns none.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      );
      if (batch.length === 0) break;
      for (const child of batch) {
        if (child.name.startsWith('.')) continue;
        await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return files;
}
