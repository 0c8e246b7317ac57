/** Server-rendered HTML: the page frame every web page shares, on the escaping templates of `html-template.ts`. */
import { esc, type Raw } from '../html-template';

export { esc, html, raw, Raw } from '../html-template';

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1d22;--bg:#f6f7f9;--card:#fff;--muted:#5b6170;--accent:#4a3af0;--on-accent:#fff;--bad:#c62828;--good:#0b7a53;--line:#e2e5ea}
@media (prefers-color-scheme:dark){:root{--fg:#e9ebf0;--bg:#15171c;--card:#1e2128;--muted:#9aa1b1;--accent:#a99cff;--on-accent:#15171c;--bad:#ff8a80;--good:#4cc38a;--line:#2d313b}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;align-items:center;gap:16px;padding:12px 24px;border-bottom:1px solid var(--line);background:var(--card)}
header .brand{font-weight:700;letter-spacing:.02em}header nav{display:flex;gap:12px;margin-left:auto;align-items:center}
a{color:var(--accent)}main{max-width:880px;margin:24px auto;padding:0 24px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px;margin-bottom:16px}
label{display:block;margin:10px 0 4px;font-weight:600}input[type=email],input[type=password]{width:100%;padding:9px 10px;border:1px solid var(--line);border-radius:6px;font:inherit;background:var(--bg);color:var(--fg)}
button,.button{display:inline-block;margin-top:14px;padding:9px 16px;border:0;border-radius:6px;background:var(--accent);color:var(--on-accent);font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
.error{color:var(--bad);font-weight:600}.muted{color:var(--muted)}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line)}
.warning{border-left:4px solid var(--bad);padding:8px 12px;background:color-mix(in srgb,var(--bad) 8%,transparent)}
`;

export function page(title: string, body: Raw, opts: { nav?: Raw } = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Cutline</title><style>${STYLE}</style></head><body>
<header><span class="brand">Cutline</span>${opts.nav?.html ?? ''}</header><main>${body.html}</main></body></html>`;
}

/** Pages carry no scripts (one page adds the service's own: web/layout.ts `LIVE_PAGE_CSP`); the CSP says so. Forms may post here and redirect to the app (deep link or loopback). */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self' cutline: http://127.0.0.1:*; frame-ancestors 'none'; base-uri 'none'";
