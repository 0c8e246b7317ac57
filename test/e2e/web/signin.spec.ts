/** Signing in from the browser, the credits dashboard, pricing, signing out. JavaScript is off. */
import { call, charge, grant, newUser, phone } from '@cutline/service/test/helpers/client';
import { expect, shot, signInThroughPage, test } from './support';

test('sign in, see the credits dashboard, then sign out', async ({ page }, info) => {
  await page.goto('/credits');
  await expect(page).toHaveURL(/\/signin\?next=%2Fcredits$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Cutline' })).toBeVisible();
  await shot(page, info, 'signin');

  await page.getByLabel('Email').fill('pro@cutline.test');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
  await shot(page, info, 'signin-wrong-password');

  await page.getByLabel('Password').fill('cutline-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/credits$/);
  await expect(page.getByRole('heading', { name: 'Your credits' })).toBeVisible();
  await expect(page.locator('[data-total]').first()).toHaveText('355 credits');
  await expect(page.locator('[data-type=subscription] b')).toHaveText('200');
  await expect(page.locator('[data-type=activity] b')).toHaveText('55');
  await expect(page.locator('[data-type=purchased] b')).toHaveText('100');
  await expect(page.locator('tr[data-batch]')).toHaveCount(4);
  await expect(page.getByRole('img', { name: /Credits spent per day/ })).toBeVisible();
  await shot(page, info, 'credits');

  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'cutline_session');
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin\?signedout=1$/);
  await expect(page.getByRole('status')).toHaveText('You are signed out.');
  await page.goto('/credits');
  await expect(page).toHaveURL(/\/signin\?next=%2Fcredits$/);
});

test('a team member sees the shared pool marked as team credits', async ({ page }, info) => {
  await signInThroughPage(page, 'alice@cutline.test');
  const teamRow = page.locator('tr[data-batch]', { has: page.locator('.badge', { hasText: 'Team' }) });
  await expect(teamRow).toHaveCount(1);
  await expect(teamRow).toContainText('Subscription');
  await expect(teamRow).toContainText('500');
  await shot(page, info, 'credits-team');
});

test('pricing lists the plans, and marks the signed-in plan', async ({ page }, info) => {
  await page.goto('/pricing');
  for (const name of ['Free', 'Pro (monthly)', 'Pro (annual)', 'Teams']) await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  await shot(page, info, 'pricing');
  await signInThroughPage(page, 'pro@cutline.test');
  await page.goto('/pricing');
  await expect(page.locator('[data-plan=pro-monthly] .badge')).toHaveText('Your plan');
});

test('spending shows up in held credits, the usage chart and the history with tool and device', async ({ page, server }, info) => {
  const user = await newUser(server.url);
  const token = user.tokens.access_token;
  await grant(server.url, user.id, 'activity', 40, new Date(Date.now() + 30 * 86_400_000).toISOString(), 'campaign:spring');
  await grant(server.url, user.id, 'purchased', 100, null, 'store:pack-100');
  for (const [tool, device] of [['ai-portrait', phone], ['smart-cutout', undefined], ['ai-image', undefined]] as const) {
    const held = await charge(server.url, token, tool, device);
    expect((await call(server.url, 'POST', `/v1/charges/${held.body.charge.id}/capture`, { token })).status).toBe(200);
  }
  const running = await charge(server.url, token, 'auto-captions');
  expect(running.status).toBe(201);

  await signInThroughPage(page, user.email, 'password-123');
  await expect(page.locator('[data-type=held] b')).toHaveText('3');
  await expect(page.locator('p[data-total]')).toHaveText('94 credits');
  const today = page.locator('svg.usage-chart g[data-day]').last();
  await expect(today).toHaveAttribute('data-total', '43');
  await expect(today.locator('title')).toHaveText(/43 credits \(40 activity, 3 purchased\)$/);
  // one row per action (held → spent), the device by platform and a short id, the full id in its tooltip
  const portrait = page.locator('tr[data-kind=charge]', { hasText: 'AI Portrait' });
  await expect(portrait).toHaveCount(1);
  await expect(portrait).toContainText('Mobile · etest1');
  await expect(portrait.locator('td[title="phone-test-1"]')).toHaveCount(1);
  const captions = page.locator('tr[data-kind=charge]', { hasText: 'Auto Captions' });
  await expect(captions).toContainText('Desktop · ptest1');
  await expect(captions.locator('td[title="desktop-test-1"]')).toHaveCount(1);
  await shot(page, info, 'credits-with-usage');
});

test('these specs run with JavaScript off, and the pages carry no script', async ({ page, server }) => {
  await page.route(`${server.url}/__js-probe`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>off</title><script>document.title = "on"</script>' }),
  );
  await page.goto('/__js-probe');
  await expect(page).toHaveTitle('off');
  for (const path of ['/signin', '/pricing']) {
    const res = await page.goto(path);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await page.locator('script').count()).toBe(0);
  }
});
