/**
 * Escaping HTML templates: `html\`…\`` escapes every interpolation unless it is wrapped in `raw()`.
 * Shared by the web pages (`http/html.ts` re-exports it) and the service's mail templates
 * (`service/mail/templates.ts`), which render HTML too but may not import the HTTP layer.
 */
export function esc(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A piece of HTML that is already safe (escaped or written by us). */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new Raw(html);
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0];
  values.forEach((v, i) => {
    const piece = Array.isArray(v) ? v.map((x) => (x instanceof Raw ? x.html : esc(x))).join('') : v instanceof Raw ? v.html : esc(v);
    out += piece + strings[i + 1];
  });
  return new Raw(out);
}
