// A header link that downloads a file of the session shown (Export's transcript, Export
// labels' JSON lines): a plain click (or Enter) fetches it with the page's access token and
// saves it only from a 200, named by the server (see api.getDownload); a refusal or no answer
// goes to `onFailed` (a notice) and saves nothing, where a plain link would save the error's
// body as the file. Ctrl/⌘/Shift-click still opens the address as a link does. The link is
// disabled while its download runs (still focusable: the focus stays where it was).
import type { DownloadFile } from '../api';
import { saveFile } from './download';

export class DownloadLink {
  private busy = false;

  constructor(
    private readonly link: HTMLAnchorElement,
    /** The file of the session shown, or null when there is none to fetch. */
    private readonly fetchFile: () => Promise<DownloadFile> | null,
    private readonly onFailed: (err: unknown) => void,
  ) {
    link.addEventListener('click', (ev) => {
      // Ctrl/⌘/Shift-click opens the link in a tab or window, as a link does; a plain click
      // (or Enter on it) goes through the checked fetch, not the browser's own download.
      if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      ev.preventDefault();
      void this.run();
    });
  }

  /** Shows the link to `href` (null: hidden, no address), worded in the language of the moment. */
  render(href: string | null, text: string, title: string): void {
    this.link.hidden = href === null;
    if (href !== null) this.link.href = href;
    else this.link.removeAttribute('href');
    this.link.textContent = text;
    this.link.title = title;
    this.renderBusy();
  }

  private renderBusy(): void {
    this.link.setAttribute('aria-disabled', String(this.busy));
    this.link.setAttribute('aria-busy', String(this.busy));
  }

  private async run(): Promise<void> {
    if (this.busy || this.link.hidden) return;
    const pending = this.fetchFile();
    if (pending === null) return;
    this.busy = true;
    this.renderBusy();
    try {
      const file = await pending;
      saveFile(file.blob, file.filename);
    } catch (err) {
      this.onFailed(err);
    } finally {
      this.busy = false;
      this.renderBusy();
    }
  }
}
