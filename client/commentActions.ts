// What the comment editor asks of the page: a post, an edit or a removal through this window's
// CommentRequests (the answer shown, its echo not applied again); a refusal (an empty or too
// long text, a gone session or comment, too many comments) or no answer is a notice, and the
// editor stays open with what was typed.
import type { CommentRequests } from './commentRequests';
import type { StringKey } from './i18n';
import type { CommentActions } from './view/comments';

export function commentActions(requests: () => CommentRequests, refused: (failed: StringKey, err: unknown) => void): CommentActions {
  return {
    async save(sessionId, commentId, body) {
      try {
        if (commentId === null) await requests().post(sessionId, body);
        else await requests().put(sessionId, commentId, body);
        return true;
      } catch (err) {
        refused('commentSaveFailed', err);
        return false;
      }
    },
    async remove(sessionId, commentId) {
      try {
        await requests().remove(sessionId, commentId);
        return true;
      } catch (err) {
        refused('commentDeleteFailed', err);
        return false;
      }
    },
  };
}
