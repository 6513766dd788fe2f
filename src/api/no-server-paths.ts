/**
 * No API response carries a file path of the server: the stored provenance of a contact hop, a stated tie or an
 * ingest run names the file it was read from, and its folder says something about the server (a user's home,
 * a shared drive). Responses keep the file's own name, enough to find the line; folders are cut.
 * Keys `file` and `path` hold a path; `command` and `files` hold command lines or lists that contain paths.
 */

const SEP = /[\\/]/;
const PATHISH = /(?:[A-Za-z]:)?(?:[^\s'"=]*[\\/])+([^\s'"\\/]*)/g;

function baseName(s: string): string {
  return s.split(SEP).pop() ?? s;
}

/** Cut every path-looking token of a command line down to its file name (URLs keep their host and path). */
function cutPaths(s: string): string {
  return s.replace(PATHISH, (m, name: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(m) ? m : name));
}

/** A copy of value with the folders of every path cut (values without paths come back as they are). */
export function withoutServerPaths(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (!SEP.test(value)) return value;
    if (key === 'file' || key === 'path') return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : baseName(value);
    if (key === 'command' || key === 'files') return cutPaths(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => withoutServerPaths(v, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withoutServerPaths(v, k);
    return out;
  }
  return value;
}
