// Transcript upload: creates a session (titled as the file says, else by its name) from the
// file's bytes, and reports the counts and warnings — or why the server refused it, in the UI
// language (client/errorText.ts; worded again when the language changes). A session backup
// (told by its `format` field, client/archiveFile.ts) is imported instead, as a new session with
// everything it holds.
import type { ApiError } from '../../protocol/protocol';
import * as api from '../api';
import { describeError, warningText } from '../errorText';
import { t, tn } from '../i18n';
import type { SessionSummary, UploadResult } from '../../protocol/outbound';
import { isArchiveFile } from '../archiveFile';
import { h } from './dom';

type Status =
  | { kind: 'uploading' }
  | { kind: 'done'; title: string; result: UploadResult }
  | { kind: 'imported'; session: SessionSummary }
  | { kind: 'error'; error: ApiError };

export class UploadPanel {
  private status: Status | null = null;

  constructor(
    private readonly input: HTMLInputElement,
    private readonly out: HTMLElement,
    private readonly onUploaded: (sessionId: string) => Promise<void>,
  ) {
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) void this.upload(file);
    });
  }

  private async upload(file: File): Promise<void> {
    this.status = { kind: 'uploading' };
    this.render();
    try {
      // The file name goes as `filename`, not `title`: the server names the session after the
      // file's own title (a JSON transcript's "title") and only failing that after the file.
      const bytes = await file.arrayBuffer();
      if (isArchiveFile(bytes)) {
        const session = await api.importArchive(bytes);
        this.status = { kind: 'imported', session };
        await this.onUploaded(session.id);
      } else {
        const result = await api.uploadTranscript(file.name, api.formatForFile(file.name), bytes);
        this.status = { kind: 'done', title: result.session.title, result };
        await this.onUploaded(result.session.id);
      }
    } catch (err) {
      // The server's error names the field, line or limit: worded when shown.
      this.status = { kind: 'error', error: api.toApiError(err) };
    } finally {
      this.render();
      this.input.value = ''; // so choosing the same file again uploads again
    }
  }

  /** Forgets the last upload's report, e.g. once another session is shown or it was re-analysed. */
  clear(): void {
    if (this.status?.kind === 'uploading') return;
    this.status = null;
    this.render();
  }

  render(): void {
    const s = this.status;
    if (!s) {
      this.out.replaceChildren();
    } else if (s.kind === 'error') {
      const { text, detail } = describeError(s.error);
      this.out.replaceChildren(
        h(
          'div',
          { class: 'upload-error', role: 'alert' },
          h('strong', {}, `${t('uploadFailed')}${t('colon')}`),
          h('span', { 'data-testid': 'upload-error' }, text),
          detail && h('span', { class: 'error-detail', lang: 'en' }, detail),
        ),
      );
    } else if (s.kind === 'imported') {
      const x = s.session;
      const counts = [tn('utterancesCount', x.utteranceCount), tn('cuesCount', x.cueCount), tn('commentsCount', x.commentCount ?? 0)].join(t('listSep'));
      this.out.replaceChildren(h('div', { class: 'upload-ok', 'data-testid': 'upload-ok' }, t('archiveImported', { title: x.title, counts })));
    } else if (s.kind === 'uploading') {
      this.out.replaceChildren(h('div', { class: 'upload-busy' }, t('uploading')));
    } else {
      const { utterances, signals, cues, warnings } = s.result;
      this.out.replaceChildren(
        h(
          'div',
          { class: 'upload-ok', 'data-testid': 'upload-ok' },
          t('uploadDone', {
            title: s.title,
            counts: [tn('utterancesCount', utterances), tn('signalsCount', signals), tn('cuesCount', cues)].join(t('listSep')),
          }),
          warnings.length > 0 &&
            h('ul', { class: 'warnings', 'aria-label': t('warnings') }, ...warnings.map((w) => h('li', {}, warningText(w)))),
        ),
      );
    }
  }
}
