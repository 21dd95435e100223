/** Saves text as a file without any network: a blob URL on this origin. */
export function download(name: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * A download name for an input path: folders flattened with `__` (browsers drop the folder
 * anyway, and two `nginx.conf` in different folders must not overwrite each other), with a
 * marker such as `.raw` before the extension.
 */
export function downloadName(path: string, marker = ''): string {
  const flat = path.replace(/^\/+/, '').replace(/[/\\]+/g, '__') || 'file';
  if (!marker) return flat;
  const dot = flat.lastIndexOf('.');
  return dot > 0 ? `${flat.slice(0, dot)}${marker}${flat.slice(dot)}` : `${flat}${marker}`;
}
