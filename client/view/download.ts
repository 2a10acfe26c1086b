// Hands bytes the page already holds to the browser as a file download: an object URL on a
// temporary <a download>, clicked and taken away, the URL revoked once the browser has it.

/** Saves the blob as a file named `filename` (the browser may still adjust the name). */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    // The download starts from the click; revoking at once can cancel it in some browsers, so
    // the URL is let go on the next turn of the event loop.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
