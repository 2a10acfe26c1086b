// Signal thresholds in one canonical form, shared by the server (a session's record of the
// thresholds its analysis was made under, a switch that changes nothing) and the client (the
// model line comparing a session's thresholds with the server's).

/**
 * Thresholds as one string, labels sorted ('{}' for none): the same thresholds give the same key
 * whatever order they were written in.
 */
export function thresholdsKey(thresholds: Partial<Record<string, number>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(thresholds).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}
