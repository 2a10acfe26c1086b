// The file name a `Content-Disposition` answer gives (RFC 6266): `filename*` (RFC 5987,
// `UTF-8''%E4%BC%9A…`) when it is there and readable, else `filename` (quoted or a bare
// token), else null. Used when the client saves a fetched answer itself (a Blob download),
// where the browser no longer reads the header for it. Pure.

/** The header's parameters, by lower-cased name (the first of each), values unquoted. */
function parameters(header: string): Map<string, string> {
  const params = new Map<string, string>();
  // name = token, or "quoted string" with \-escapes; `;` inside quotes is part of the value.
  const re = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)/g;
  // The disposition type (attachment, inline) comes before the first `;`.
  const rest = header.slice(Math.max(0, header.indexOf(';')));
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    const name = m[1]!.toLowerCase();
    let value = m[2]!.trim();
    if (value.startsWith('"')) value = value.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1');
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

/** An RFC 5987 ext-value (`charset'language'%xx…`) decoded, or null (bad encoding, unknown charset). */
export function decodeExtValue(value: string): string | null {
  const m = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!m) return null;
  const charset = m[1]!.toLowerCase();
  const encoded = m[2]!;
  if (charset === 'utf-8') {
    try {
      return decodeURIComponent(encoded);
    } catch {
      return null; // malformed percent-encoding or not UTF-8
    }
  }
  if (charset === 'iso-8859-1') {
    if (/%(?![0-9a-f]{2})/i.test(encoded)) return null;
    return encoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return null;
}

/**
 * A name safe to hand to a download: no directory part (`/`, `\`) and no control characters
 * (`_` instead), trimmed; null when nothing is left but dots and spaces.
 */
function safeName(name: string): string | null {
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  return /[^.\s]/.test(cleaned) ? cleaned : null;
}

/** The file name a `Content-Disposition` header gives (see the top of this file), or null. */
export function dispositionFilename(header: string | null | undefined): string | null {
  if (!header) return null;
  const params = parameters(header);
  const ext = params.get('filename*');
  if (ext !== undefined) {
    const decoded = decodeExtValue(ext);
    const name = decoded === null ? null : safeName(decoded);
    if (name !== null) return name;
  }
  const plain = params.get('filename');
  return plain === undefined ? null : safeName(plain);
}
