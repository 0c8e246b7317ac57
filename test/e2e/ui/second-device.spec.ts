/** A charge made on another device shows in the chip and the activity panel with no click. */
import { expect, test } from '../fixtures/cutline';
import { chip, openEditor, shot } from './support';

test("a phone's charge reaches the chip and the activity panel by itself", async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await expect(chip(app)).toHaveText('100 credits');

  const phone = await service.secondDevice(account);
  const charge = await phone.charge('ai-image');
  await expect(chip(app)).toHaveText('80 credits');
  const row = app.locator(`[data-testid=activity-row][data-charge="${charge.id}"]`);
  await expect(row).toContainText('On hold');
  await expect(row).toContainText('Mobile');
  await expect(row).toContainText('AI Image');

  await phone.capture(charge.id);
  await expect(row).toContainText('Spent');
  await expect(row).toContainText('−20 credits');
  await expect(chip(app)).toHaveText('80 credits');
  await shot(app, info, 'second-device');
});
