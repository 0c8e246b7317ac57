/** The desktop's handoff link: signs the browser in once, never twice. */
import { call, signIn } from '@cutline/service/test/helpers/client';
import { expect, shot, test } from './support';

test('a handoff link signs the browser in and goes to next, once; the second time it offers sign-in', async ({ page, browser, server }, info) => {
  const desktop = await signIn(server.url, 'pro@cutline.test');
  const r = await call(server.url, 'POST', '/v1/handoff', { token: desktop.access_token, body: { next: '/store' } });
  expect(r.status).toBe(200);
  const link: string = r.body.url;

  await page.goto(link);
  await expect(page).toHaveURL(`${server.url}/store`);
  await expect(page.getByText('pro@cutline.test')).toBeVisible();
  await shot(page, info, 'handoff-store');

  const other = await browser.newContext();
  const again = await other.newPage();
  const res = await again.goto(link);
  expect(res?.status()).toBe(410);
  await expect(again.getByRole('heading', { name: 'This sign-in link has expired' })).toBeVisible();
  await expect(again.getByRole('link', { name: 'Sign in' }).last()).toHaveAttribute('href', '/signin?next=%2Fstore');
  expect((await other.cookies()).some((c) => c.name === 'cutline_session')).toBe(false);
  await shot(again, info, 'handoff-used');

  await again.getByRole('link', { name: 'Sign in' }).last().click();
  await expect(again).toHaveURL(/\/signin\?next=%2Fstore$/);
  await other.close();
});

test('a handoff link to anywhere else is refused', async ({ page, server }, info) => {
  const desktop = await signIn(server.url, 'pro@cutline.test');
  const r = await call(server.url, 'POST', '/v1/handoff', { token: desktop.access_token, body: { next: '/credits' } });
  const url = new URL(r.body.url);
  url.searchParams.set('next', 'https://evil.example/');
  const res = await page.goto(url.toString());
  expect(res?.status()).toBe(400);
  await expect(page.getByRole('heading', { name: 'This link cannot be used' })).toBeVisible();
  expect((await page.context().cookies()).some((c) => c.name === 'cutline_session')).toBe(false);
  await shot(page, info, 'handoff-refused');
});
