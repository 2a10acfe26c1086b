// The server's refusals and upload warnings in the UI language. The server writes English
// only; its errors carry a stable `code` and, where it has them, `field`, `line`, `limit` and
// `actual` (docs/protocol.md, Errors), so the client words the ones a manager meets itself.
// English shows the server's own message (the most precise wording); Chinese builds its text
// from the structured error, with the English message as `detail` when the Chinese drops
// specifics the English names (a quoted line, a timestamp). A code not known here shows the
// English message in both languages. Pure: the language is an argument.
import type { ApiError } from '../protocol/protocol';
import { toApiError } from './api';
import { lang, type Lang } from './i18n';

export interface ErrorText {
  /** What to show. */
  text: string;
  /** The server's English message, when `text` leaves out some of what it says. */
  detail?: string;
}

const EXPECTED_TEXT = '请上传 UTF-8、UTF-16（带 BOM）或 GB18030 编码的文本文件。';

const FIELD_NAMES: Record<string, string> = {
  text: '发言内容',
  speaker: '发言人姓名',
  title: '标题',
  startMs: '开始时间',
  endMs: '结束时间',
  start: '开始时间',
  end: '结束时间',
  role: '角色',
  name: '姓名',
  roles: '角色',
  participants: '参与者',
  utterances: '发言',
  format: '文件格式',
  sessionId: '会谈编号',
  // GET /api/search's query (query.q, query.limit, query.after).
  q: '查找内容',
  limit: '每页条数',
  after: '翻页位置',
  body: '请求内容',
  label: '标注',
  note: '备注',
  utteranceId: '发言编号',
  verdict: '评价',
  cueId: '提示编号',
  participant: '参与者',
  mediaMs: '媒体时间',
  labels: '姿态标注',
  frameId: '帧编号',
  author: '点评人姓名',
  commentId: '点评编号',
  // A turn's number in a session archive (utterances.N.seq).
  seq: '序号',
  comments: '点评',
  // A comment's text (the server names it `text`, as a turn's; see commentError).
  commentText: '点评内容',
  // PUT /api/settings/verbal: the model to run and each label's threshold (thresholds.<label>).
  model: '言语模型',
  // PUT /api/settings/posture's model, as postureModelError names it.
  postureModel: '姿态模型',
  thresholds: '信号阈值',
  // GET /api/quality/compare's query (query.model, query.session, query.rows) and a training job's hold-out.
  session: '会谈',
  rows: '比较的发言数',
  holdOut: '留作比较的比例',
  price_inquiry: '询价的阈值',
  discount_request: '要求优惠的阈值',
  purchase_intent: '购买意向的阈值',
  resistance: '抗拒的阈值',
};

/** A field path in words: `utterances[3].text` → 第 4 句发言的发言内容. */
export function fieldName(field: string): string {
  const item = /^(utterances|participants)[[.](\d+)\]?\.(\w+)$/.exec(field);
  if (item) {
    const n = Number(item[2]) + 1;
    const what = item[1] === 'utterances' ? `第 ${n} 句发言` : `第 ${n} 位参与者`;
    return `${what}的${FIELD_NAMES[item[3]!] ?? `“${item[3]}”`}`;
  }
  const last = field.split('.').pop() ?? field;
  return FIELD_NAMES[field] ?? FIELD_NAMES[last] ?? `“${field}”`;
}

function bytes(n: number): string {
  const mb = n / (1024 * 1024);
  if (mb >= 1) return `${Number.isInteger(mb) ? mb : mb.toFixed(2)} MB`;
  const kb = n / 1024;
  return kb >= 1 ? `${Number.isInteger(kb) ? kb : kb.toFixed(1)} KB` : `${n} 字节`;
}

/** Which model a running-model refusal is about: the posture one's field is `postureModel` (postureModelError). */
const modelKind = (e: ApiError): string => (e.field === 'postureModel' ? '姿态模型' : '言语模型');

/** The Chinese text for an error, or null for a code (or a shape) not worded here. */
function zhText(e: ApiError): { text: string; keepDetail?: boolean } | null {
  const at = e.line !== undefined ? `第 ${e.line} 行：` : '';
  const field = e.field !== undefined ? fieldName(e.field) : '';
  switch (e.code) {
    case 'empty':
      return { text: '文件是空的，没有可读的内容。' };
    case 'binary':
      return { text: `文件看起来是二进制文件，不是文字记录；${EXPECTED_TEXT}` };
    case 'encoding':
      // With a line: the file mixes encodings (UTF-8 lines and others), that line is the first not UTF-8.
      if (e.line !== undefined) return { text: `${at}这一行不是 UTF-8 编码，而其他行是：文件混用了多种文字编码；请将文件另存为 UTF-8 编码。`, keepDetail: true };
      return { text: `无法识别文件的文字编码；${EXPECTED_TEXT}`, keepDetail: true };
    case 'too_large':
      if (e.limit === undefined) return { text: '内容太大，超过了服务器的上限。', keepDetail: true };
      return { text: `内容太大${e.actual !== undefined ? `（${bytes(e.actual)}）` : ''}：上限为 ${bytes(e.limit)}。` };
    case 'too_many_utterances':
      if (e.limit === undefined) return null;
      return { text: `文件${e.actual !== undefined ? `有 ${e.actual} 句发言，` : '的发言太多，'}上限为 ${e.limit} 句。` };
    case 'limit_exceeded':
      if (e.limit === undefined || !field) return null;
      return {
        text:
          e.actual !== undefined
            ? `${at}${field}有 ${e.actual} 个字符，上限为 ${e.limit} 个字符。`
            : `${at}${field}超过了 ${e.limit} 个字符的上限。`,
      };
    case 'bad_format':
      return { text: '不支持此文件格式；请使用 .vtt、.srt、.json 或 .txt 文件。' };
    case 'bad_header':
      return { text: `${at || '第 1 行：'}WebVTT 文件必须以“WEBVTT”开头。`, keepDetail: true };
    case 'bad_timestamp':
      return { text: `${at}时间格式不正确，或结束时间早于开始时间。`, keepDetail: true };
    case 'bad_cue':
      return { text: `${at}字幕格式不正确：这里应是字幕序号或时间行（如 00:00:01,000 --> 00:00:04,000）。`, keepDetail: true };
    case 'bad_json':
      return { text: `${at}文件不是有效的 JSON。`, keepDetail: true };
    case 'missing_speaker':
      return { text: `${at}找不到发言人；每句发言应写成“姓名：内容”（半角冒号也可以）。`, keepDetail: true };
    case 'no_utterances':
      return { text: '文件中没有发言。' };
    case 'invalid_field':
    case 'invalid_input':
      if (e.limit !== undefined && /participants; the limit is/.test(e.message)) {
        return { text: `${at}每场会谈最多 ${e.limit} 位参与者${e.actual !== undefined ? `，这样会达到 ${e.actual} 位` : ''}。`, keepDetail: true };
      }
      // A backup (session archive) written by a newer server: its format version is over this one's.
      if (e.field === 'version' && e.limit !== undefined && e.actual !== undefined) {
        return { text: `此备份是第 ${e.actual} 版格式，由更新版本的 buying-signals 写出；本服务器只能读取第 ${e.limit} 版及以前的备份。` };
      }
      // A number over its maximum ("must be <= …": an archive's seq or media time) is no length.
      if (e.limit !== undefined && e.actual !== undefined && field && /must be <= /.test(e.message)) {
        return { text: `${at}${field}为 ${e.actual}，超过了上限 ${e.limit}。`, keepDetail: true };
      }
      if (e.limit !== undefined && e.actual !== undefined && field) {
        return { text: `${at}${field}长度为 ${e.actual}，上限为 ${e.limit}。` };
      }
      return { text: `${at}${field ? `${field}无效。` : '输入无效。'}`, keepDetail: true };
    case 'invalid_json':
      return { text: '请求内容不是有效的 JSON 对象。', keepDetail: true };
    case 'unsupported_media_type':
      return { text: '服务器不接受此请求的内容类型。', keepDetail: true };
    case 'not_found':
      if (e.field === 'sessionId') return { text: '服务器上没有此会谈（可能已删除，或服务器重启时未保留）。', keepDetail: true };
      if (e.field === 'utteranceId') return { text: '服务器上没有这句发言。', keepDetail: true };
      // A cue a re-analysis (or a role change) replaced while the coach was looking at it.
      if (e.field === 'cueId') return { text: '服务器上已没有这条提示（会谈可能已重新分析）；请刷新后再评价。', keepDetail: true };
      if (e.field === 'participant') return { text: '此会谈中没有这位参与者。', keepDetail: true };
      // A comment another coach deleted while this one was editing it.
      if (e.field === 'commentId') return { text: '服务器上已没有这条点评（可能已删除）。', keepDetail: true };
      // PUT /api/settings/verbal: a model the library does not hold (removed meanwhile, or mistyped).
      if (e.field === 'model' || e.field === 'query.model') return { text: '模型库中没有这个言语模型（可能已被移走）；请刷新后再选。', keepDetail: true };
      if (e.field === 'postureModel') return { text: '模型库中没有这个姿态模型（可能已被移走）；请刷新后再选。', keepDetail: true };
      // The scope of a measurement or comparison: a session deleted meanwhile.
      if (e.field === 'session' || e.field === 'query.session') return { text: '服务器上没有此会谈（可能已删除）。', keepDetail: true };
      return { text: '服务器上找不到所请求的内容。', keepDetail: true };
    case 'no_frame':
      // A posture label goes on a stored frame of the participant near the moment chosen.
      return { text: '这一时刻前后 1 秒内没有这位参与者的姿态帧（即画面中检测到人的帧）：请选择一个有姿态数据的时刻。', keepDetail: true };
    case 'not_customer':
      // A coach's posture label is for a customer: this participant is a rep, or has no role.
      if (e.field === 'participant') return { text: '只能标注客户的姿态：这位参与者是客户经理，或还没有角色。', keepDetail: true };
      // A coach's label is for a customer's turn: this one is a rep's, or its speaker has no role.
      return { text: '只能标注客户的发言：这句发言的发言人是客户经理，或还没有角色。', keepDetail: true };
    case 'demo_session':
      // Its turns are neither edited nor deleted (PATCH / DELETE …/utterances/:utteranceId).
      if (/turns edited or deleted/.test(e.message)) return { text: '演示会谈是服务器自带的示例，其中的发言不能编辑或删除；可以点击“播放”，将它复制为新会谈。' };
      // The built-in demo meeting, stored again at each start, is neither renamed nor deleted.
      return { text: '演示会谈是服务器自带的示例，不能重命名或删除（服务器每次启动时都会重新载入）；可以点击“播放”，将它复制为新会谈。' };
    case 'too_many_comments':
      return { text: `此会谈的点评已达上限${e.limit !== undefined ? `（${e.limit} 条）` : ''}，这条未保存；请先删除一些点评。` };
    case 'busy':
      // GET /api/quality stores nothing: it is the measurement that waits, not a turn.
      if (/compar/.test(e.message)) return { text: `服务器正在进行其他模型质量测量或比较${e.limit !== undefined ? `（最多同时 ${e.limit} 项）` : ''}；请等其中一项完成后再试。`, keepDetail: true };
      if (/model quality measurements are under way/.test(e.message)) return { text: `服务器正在进行其他模型质量测量${e.limit !== undefined ? `（最多同时 ${e.limit} 项）` : ''}；请等其中一项完成后再试。` };
      return { text: '服务器正忙，这一条未保存；请稍后重新发送。' };
    case 'shutting_down':
      // The server names what it did not do: a turn or frame, or a re-analysis / role change.
      if (/this re-analysis was not/.test(e.message)) return { text: '服务器正在停止，没有重新分析，会谈保持原样；服务器恢复后请再试。' };
      if (/this role change was not/.test(e.message)) return { text: '服务器正在停止，角色没有更改，会谈保持原样；服务器恢复后请再试。' };
      if (/this rename was not/.test(e.message)) return { text: '服务器正在停止，会谈没有重命名；服务器恢复后请再试。' };
      if (/this edit was not/.test(e.message)) return { text: '服务器正在停止，发言没有更正，会谈保持原样；服务器恢复后请再试。' };
      if (/this turn deletion was not/.test(e.message)) return { text: '服务器正在停止，发言没有删除，会谈保持原样；服务器恢复后请再试。' };
      if (/this deletion was not/.test(e.message)) return { text: '服务器正在停止，会谈没有删除；服务器恢复后请再试。' };
      if (/compar/.test(e.message)) return { text: '服务器正在停止，模型比较没有完成；服务器恢复后请再试。' };
      if (/model quality measurement was abandoned/.test(e.message)) return { text: '服务器正在停止，模型质量没有测完；服务器恢复后请再试。' };
      if (/this change of the running model was not/.test(e.message)) return { text: '服务器正在停止，运行中的模型没有更改；服务器恢复后请再试。' };
      if (/this change of the running posture model was not/.test(e.message)) return { text: '服务器正在停止，运行中的姿态模型没有更改；服务器恢复后请再试。' };
      return { text: '服务器正在停止，这一条未保存；服务器恢复后请重新发送。' };
    case 'same_model':
      // GET /api/quality/compare of the model the server runs (it became the running one meanwhile).
      return { text: '这就是运行中的模型，无需与自身比较：请选择另一个模型。', keepDetail: true };
    case 'running_model_changed':
      // GET /api/quality/compare: the running model's folder was replaced (or no longer loads) while it was measured.
      return { text: '运行中的模型的文件夹已被替换或无法载入，无法与它比较：请重新比较（如模型已被替换，请先重新选择运行中的模型）。', keepDetail: true };
    // The running posture model's refusals name the kind (postureModelError): the same words, 姿态模型.
    case 'switch_in_progress':
      return { text: `正在切换运行中的${modelKind(e)}：请等切换完成后再试。`, keepDetail: true };
    case 'ambiguous_model':
      return { text: `有多个文件夹保存了这个版本的${modelKind(e)}：请按模型编号选择其中一个。`, keepDetail: true };
    case 'model_unloadable':
      return { text: `无法载入这个${modelKind(e)}（文件可能已损坏或被移走），服务器继续运行原来的模型。`, keepDetail: true };
    case 'starting':
      return { text: '服务器正在启动，请几秒后再试。' };
    case 'internal':
      return { text: '服务器内部错误，请求没有完成。' };
    case 'unauthorized':
      return { text: '需要访问令牌：请用服务器给出的带令牌的地址打开本页面。' };
    case 'forbidden_origin':
    case 'forbidden_host':
      return { text: '服务器拒绝了来自此地址的请求。', keepDetail: true };
    case 'client_turn_id_conflict':
      // The same code for a turn sent again whose first send a coach deleted meanwhile (the message says so).
      if (/which a coach deleted/.test(e.message)) return { text: '教练已删除这句发言，重新发送时未再保存；如需保留，请作为新发言发送。', keepDetail: true };
      return { text: '这句发言的编号已被另一句发言占用，未保存。', keepDetail: true };
    case 'pose_model_missing':
      return { text: '服务器缺少姿态识别模型文件：请在服务器上运行 npm run models。', keepDetail: true };
    case 'pose_worker_failed':
      return { text: '姿态识别进程出错，正在重新启动；请重新发送。' };
    case NETWORK_ERROR:
      return { text: '没有收到服务器的回复，连接可能已断开。', keepDetail: true };
    default: {
      // The client's own code for an answer without an error body.
      const http = /^http_(\d{3})$/.exec(e.code);
      if (http) return { text: `请求失败（HTTP ${http[1]}）。`, keepDetail: true };
      return null;
    }
  }
}

/**
 * The client's own code for a request that got no answer at all (fetch rejected: the server
 * is down or unreachable); its message is English, as the server's are.
 */
export const NETWORK_ERROR = 'network_error';

/** A failed request as an ApiError: the server's refusal, or no answer (NETWORK_ERROR). */
export function requestError(err: unknown): ApiError {
  if (err instanceof TypeError) return { code: NETWORK_ERROR, message: `no answer from the server (${err.message})` };
  return toApiError(err);
}

/**
 * A refusal of a comment request, its field named as a comment's: the server calls a comment's
 * text `text`, as it does a turn's, and the Chinese wording would name the turn's.
 */
export function commentError(e: ApiError): ApiError {
  return e.field === 'text' ? { ...e, field: 'commentText' } : e;
}

/** The refusals of a running-model change that name the model (or none), without a field of their own. */
const MODEL_CODES = new Set(['switch_in_progress', 'ambiguous_model', 'model_unloadable']);

/**
 * A refusal of the running posture model's change (PUT /api/settings/posture), its field named as
 * the posture model's: the server calls it `model`, as the verbal PUT does, and the Chinese
 * wording would name the verbal model. A switch under way carries no field: it is named too.
 */
export function postureModelError(e: ApiError): ApiError {
  return e.field === 'model' || (e.field === undefined && MODEL_CODES.has(e.code)) ? { ...e, field: 'postureModel' } : e;
}

/** An error in the given language (see the top of this file). */
export function describeError(e: ApiError, language: Lang = lang()): ErrorText {
  if (language === 'en') return { text: e.message };
  const zh = zhText(e);
  if (!zh) return { text: e.message };
  return zh.keepDetail && e.message ? { text: zh.text, detail: e.message } : { text: zh.text };
}

/** An error as one line of text in the UI language: the text, then any detail in brackets. */
export function errorMessage(e: ApiError, language: Lang = lang()): string {
  const d = describeError(e, language);
  if (!d.detail) return d.text;
  return language === 'zh' ? `${d.text}（${d.detail}）` : `${d.text} (${d.detail})`;
}

/**
 * The warnings server/ingest writes (line-numbered English strings), by their pattern. A
 * pattern not matched here is shown as the server wrote it.
 */
const ZH_WARNINGS: [RegExp, (...m: string[]) => string][] = [
  [/^line (\d+): cue has no speaker tag; attributed to the previous speaker "(.*)"$/s, (l, who) => `第 ${l} 行：字幕没有标明发言人，已归给上一位发言人“${who}”`],
  [/^line (\d+): cue has no text; skipped$/, (l) => `第 ${l} 行：字幕没有文字，已跳过`],
  [/^line (\d+): stamp "(.*)" is not followed by a turn; ignored$/s, (l, stamp) => `第 ${l} 行：时间戳“${stamp}”之后没有发言，已忽略`],
  [/^line (\d+): "(.*)" has no text; skipped$/s, (l, who) => `第 ${l} 行：“${who}”没有发言内容，已跳过`],
  [
    /^line (\d+): "(.*)" was not read as a speaker name \(a name has .*\); the line was added to "(.*)"$/s,
    (l, label, who) => `第 ${l} 行：“${label}”未被识别为发言人姓名（姓名最多 5 个词，不含逗号和句末标点，末尾可带一个括号注释，如“李伟（嘉宾）”），该行已并入“${who}”的发言`,
  ],
  [/^line (\d+): text after a blank line has no timing; appended to the cue at line (\d+)$/, (l, cue) => `第 ${l} 行：空行之后的文字没有时间行，已并入第 ${cue} 行的字幕`],
  [
    /^(file|participants|utterances): ignored unknown fields (.*)$/s,
    (where, keys) =>
      `${{ file: '文件顶层', participants: '参与者', utterances: '发言' }[where] ?? where}中的未知字段已忽略：` +
      keys.replace(/ \(did you mean "([^"]*)"\?\)/g, '（是否应为 "$1"？）'),
  ],
  [/^participants: "(.*)" never speaks; left out$/s, (who) => `参与者“${who}”没有发言，未列入`],
  [
    /^(?:the file has no timestamps|(\d+) of (\d+) turns have no timestamp); their times were estimated from text length \((\d+) ms per CJK character, (\d+) ms per word, at least (\d+) ms per turn\)$/,
    (some, all, cjk, word, min) =>
      `${some ? `${all} 句发言中有 ${some} 句没有时间戳` : '文件没有时间戳'}；时间按文字长度估算（每个汉字 ${cjk} 毫秒，每个英文单词 ${word} 毫秒，每句至少 ${min} 毫秒）`,
  ],
  [/^estimated times reached the 24 h limit; later turns were placed at 24:00:00$/, () => '估算的时间达到 24 小时上限；之后的发言都放在 24:00:00'],
  [/^\.\.\. and (\d+) more warnings$/, (n) => `另有 ${n} 条警告未列出`],
];

/** An upload warning in the given language. */
export function warningText(w: string, language: Lang = lang()): string {
  if (language === 'en') return w;
  for (const [re, word] of ZH_WARNINGS) {
    const m = re.exec(w);
    if (m) return word(...m.slice(1).map((x) => x ?? ''));
  }
  return w;
}
