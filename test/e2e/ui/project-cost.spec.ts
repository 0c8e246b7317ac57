/**
 * Issue 22 in the editor: the project bar's cost of the open project rises live after an AI action
 * (the charge carried the project to the real service), the Activity panel names the project, the
 * cost by tool is one click away, and a failed action's credits come back saying why.
 */
import { expect, test } from '../fixtures/cutline';
import { addClip, chooseTool, openEditor, shot } from './support';

test('the project cost rises live after an AI action; Activity names the project; the cost by tool on a click', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const cost = app.getByTestId('project-cost');
  await expect(cost).toHaveText('This project: 0 credits · 0 AI actions');
  const select = app.getByLabel('Project', { exact: true });
  const project = (await select.locator('option:checked').textContent())!;

  await chooseTool(app, await addClip(app, 'Interview — Maya'), 'Remove Background');
  await app.getByRole('alertdialog', { name: 'Remove Background' }).getByRole('button', { name: 'Continue' }).click();
  await expect(app.getByTestId('job').filter({ hasText: 'Remove Background' })).toHaveAttribute('data-status', 'done');
  // Live: no reload, the figure follows the capture.
  await expect(cost).toHaveText('This project: 5 credits · 1 AI action');

  const row = app.getByTestId('activity-row').first();
  await expect(row.locator('.activity-kind')).toHaveText('Spent');
  await expect(row.getByTestId('activity-project')).toHaveText(project);
  await shot(app, info, 'project-cost-after-action');

  await cost.click();
  const panel = app.getByRole('region', { name: "This project's cost by tool" });
  await expect(panel.getByTestId('project-cost-row')).toHaveText(['Remove Background 5 credits · 1 AI action']);

  // The service counts it under the project too (what the web's /credits shows by project).
  const token = (await service.secondDevice(account)).tokens.access_token;
  const usage = await fetch(`${service.url}/v1/usage?groupBy=project`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
  expect(usage.rows).toEqual([{ key: await select.inputValue(), label: project, credits: 5, actions: 1 }]);
});

test('a failed action costs the project nothing, and its Activity row says the credits came back because it failed', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url, { failRate: 1 });
  await chooseTool(app, await addClip(app, 'Interview — Maya'), 'Remove Background');
  await app.getByRole('alertdialog', { name: 'Remove Background' }).getByRole('button', { name: 'Continue' }).click();
  await expect(app.getByTestId('job').filter({ hasText: 'Remove Background' })).toHaveAttribute('data-status', 'failed');
  const row = app.getByTestId('activity-row').first();
  await expect(row.locator('.activity-kind')).toHaveText('Returned');
  await expect(row.getByTestId('activity-note')).toHaveText('Returned: the AI action failed.');
  await expect(app.getByTestId('project-cost')).toHaveText('This project: 0 credits · 0 AI actions');
  await shot(app, info, 'refund-reason');
});
