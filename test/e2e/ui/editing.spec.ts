/** Editing without an account: projects, media to timeline by drag, reorder by drag and keyboard, remove; all saved. */
import { expect, test } from '../fixtures/cutline';
import { addClip, openEditor, shot } from './support';

const names = (page: import('@playwright/test').Page) =>
  page.getByRole('listbox', { name: 'Timeline clips' }).getByRole('option').locator('.clip-name').allTextContents();

test('projects and the timeline: create, rename, drag in, reorder, remove, and it is all there after a reload', async ({ app, browserHost }, info) => {
  await openEditor(app, browserHost.url);
  await expect(app.getByRole('combobox', { name: 'Project' })).toHaveValue(/.+/);
  await app.getByRole('button', { name: 'New project' }).click();
  await app.getByRole('button', { name: 'Rename' }).click();
  await app.getByRole('textbox', { name: 'Project name' }).fill('Launch trailer');
  await app.keyboard.press('Enter');
  await expect(app.getByRole('combobox', { name: 'Project' }).locator('option:checked')).toHaveText('Launch trailer');

  // Drag from the media panel to the empty timeline, then add two more with +.
  await app.locator('.media-item', { hasText: 'Forest trail' }).dragTo(app.locator('.timeline-empty'));
  await expect.poll(() => names(app)).toEqual(['Forest trail']);
  await addClip(app, 'Sunrise over the bay');
  await addClip(app, 'Product spin');
  expect(await names(app)).toEqual(['Forest trail', 'Sunrise over the bay', 'Product spin']);

  // Reorder by dragging the last clip onto the left half of the first.
  const track = app.getByRole('listbox', { name: 'Timeline clips' });
  const first = track.getByRole('option', { name: /Forest trail/ });
  await track.getByRole('option', { name: /Product spin/ }).dragTo(first, { targetPosition: { x: 10, y: 40 } });
  await expect.poll(() => names(app)).toEqual(['Product spin', 'Forest trail', 'Sunrise over the bay']);

  // Keyboard: select with arrows, move with Alt+→, remove with Delete.
  await track.getByRole('option', { name: /Product spin/ }).focus();
  await app.keyboard.press('ArrowRight');
  await expect(track.getByRole('option', { name: /Forest trail/ })).toHaveAttribute('aria-selected', 'true');
  await expect(app.getByTestId('preview')).toContainText('Forest trail');
  await app.keyboard.press('Alt+ArrowRight');
  await expect.poll(() => names(app)).toEqual(['Product spin', 'Sunrise over the bay', 'Forest trail']);
  await app.keyboard.press('Delete');
  await expect.poll(() => names(app)).toEqual(['Product spin', 'Sunrise over the bay']);
  await expect(app.getByText('Saved', { exact: true })).toBeVisible();
  await shot(app, info, 'edited');

  // Another run of the app opens the same project with the same clips.
  await openEditor(app, browserHost.url);
  await expect(app.getByRole('combobox', { name: 'Project' }).locator('option:checked')).toHaveText('Launch trailer');
  expect(await names(app)).toEqual(['Product spin', 'Sunrise over the bay']);
  await app.getByRole('combobox', { name: 'Project' }).selectOption({ label: 'My first project' });
  await expect(app.getByText('Add clips from Media')).toBeVisible();
});
