// Browser File -> base64 for images.importBytes. FileReader's data URL is the fastest built-in
// encoder (no per-byte JavaScript loop), and it never blocks the page.
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the file'));
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}

/** Starts a download of bytes the server produced (a report), without leaving the page. */
export function downloadBase64(fileName: string, mimeType: string, dataBase64: string): void {
  const bin = atob(dataBase64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // the click has handed the blob to the download manager; give it a moment before freeing
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
