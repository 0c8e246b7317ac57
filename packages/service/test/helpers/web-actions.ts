/** What a user does on the web pages, driven through the real forms: buy a pack, exchange Pro uses, upgrade to Pro. */
import { Browser, field } from '../web/browser';

/** Signs in on the web and buys `pack` through the checkout form; returns the order id. */
export async function buyPack(base: string, email: string, password: string, pack = 'pack-100'): Promise<string> {
  const b = new Browser(base);
  await b.signIn(email, password, '/store');
  const page = await b.get(`/store/checkout?pack=${pack}`);
  if (page.status !== 200) throw new Error(`GET /store/checkout: ${page.status}`);
  const res = await b.post('/store/checkout', { csrf: field(page.text, 'csrf'), pack: field(page.text, 'pack'), form_key: field(page.text, 'form_key') });
  const order = /^\/store\/orders\/(ord_[A-Za-z0-9_-]+)$/.exec(res.location ?? '');
  if (res.status !== 303 || !order) throw new Error(`POST /store/checkout: ${res.status} ${res.location}`);
  return order[1]!;
}

/** Signs in on the web and exchanges the account's Pro uses through the confirm form. */
export async function exchangeOnWeb(base: string, email: string, password: string): Promise<void> {
  const b = new Browser(base);
  await b.signIn(email, password, '/exchange');
  const page = await b.get('/exchange/confirm');
  if (page.status !== 200) throw new Error(`GET /exchange/confirm: ${page.status}`);
  const res = await b.post('/exchange', { csrf: field(page.text, 'csrf'), pro_uses: field(page.text, 'pro_uses'), confirm: 'yes' });
  if (res.status !== 303) throw new Error(`POST /exchange: ${res.status} ${res.text.slice(0, 200)}`);
}

/** Signs in on the web and upgrades to Pro through the simulated checkout form. */
export async function upgradeOnTheWeb(base: string, email: string, password: string, billing: 'monthly' | 'annual' = 'monthly'): Promise<void> {
  const b = new Browser(base);
  await b.signIn(email, password, '/upgrade');
  const page = await b.get(`/upgrade?billing=${billing}`);
  if (page.status !== 200) throw new Error(`GET /upgrade: ${page.status}`);
  const res = await b.post('/upgrade', { csrf: field(page.text, 'csrf'), form_key: field(page.text, 'form_key'), billing });
  if (res.status !== 303) throw new Error(`POST /upgrade: ${res.status} ${res.text.slice(0, 200)}`);
}
