/**
 * Plays the system browser's part in sign-in, over plain HTTP: loads the authorize URL the app
 * opened, reads the real sign-in form (action and hidden fields), fills in email and password,
 * submits it, and returns the `cutline://auth/callback?…` URL the service redirects to — the
 * URL the OS would hand back to the app.
 */
export async function submitSignInForm(authorizeUrl: string, email: string, password: string): Promise<{ status: number; location: string | null }> {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`sign-in page answered ${page.status}`);
  const html = await page.text();
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error('no sign-in form on the page');
  const fields = new URLSearchParams();
  for (const input of form[2].matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) fields.set(name, decodeEntities(value));
  }
  fields.set('email', email);
  fields.set('password', password);
  const res = await fetch(new URL(decodeEntities(form[1]), authorizeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location') };
}

export async function callbackFor(authorizeUrl: string, email: string, password: string): Promise<string> {
  const { status, location } = await submitSignInForm(authorizeUrl, email, password);
  if (status !== 302 || !location) throw new Error(`sign-in form answered ${status}`);
  return location;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
