import { STREAM_THRESHOLD_BYTES } from '../../workers/engine/model.ts';

/** Folders are walked to this many files at most: a dropped home directory must not hang. */
const MAX_FILES = 500;

/** A file from a dropped folder, with its path inside that folder. */
export interface DroppedFile {
  file: File;
  path: string;
}

/**
 * Reads picked or dropped files as text, except those the worker must open itself: big logs
 * (streamed there; a 200 MB log must never become one string on the page's thread), archives,
 * compressed and binary files (unpacked there, or reported with the reason they can't be read).
 */
export async function readDroppedFiles(
  list: FileList | DroppedFile[] | null,
): Promise<{ texts: { name: string; text: string }[]; forWorker: { name: string; file: File }[] }> {
  const texts: { name: string; text: string }[] = [];
  const forWorker: { name: string; file: File }[] = [];
  const items: (File | DroppedFile)[] = Array.from<File | DroppedFile>(list ?? []);
  for (const item of items.slice(0, MAX_FILES)) {
    const file = 'path' in item ? item.file : item;
    const name = 'path' in item ? item.path : file.webkitRelativePath || file.name;
    // A big `nginx -T` dump is a config and is read whole; other big files stream.
    const big = file.size > STREAM_THRESHOLD_BYTES && !(await isDump(file));
    if (big || ARCHIVE.test(name) || (await notText(file))) forWorker.push({ name, file });
    else texts.push({ name, text: await file.text() });
  }
  return { texts, forWorker };
}

const ARCHIVE = /\.(gz|tgz|zip|tar)$/i;

/** NUL or control bytes at the start: an archive or a binary file, for the worker to open. */
async function notText(file: File): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 512).arrayBuffer());
  return head.some((b) => b < 9 || (b > 13 && b < 27));
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
