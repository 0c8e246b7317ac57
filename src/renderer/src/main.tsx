/** Renderer entry: builds the store on the bridge, connects it, renders the editor. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getCutline, hasCutline } from './bridge';
import { App } from './components/App';
import { forwardUncaughtErrors } from './error-reporting';
import { seededRandom } from './jobs/simulate';
import { connectStore, createAppStore, DEFAULT_JOB, StoreProvider } from './store';
import './styles/app.css';

/**
 * The simulated jobs' randomness can be pinned from the page URL (the browser host's tests use
 * it): `?jobFailRate=0` (0..1), `?jobStepMs=50`, `?jobSeed=7`. The packaged app loads no query.
 */
function jobOptions() {
  const q = new URLSearchParams(location.search);
  const rate = Number(q.get('jobFailRate'));
  const step = Number(q.get('jobStepMs'));
  const seed = q.get('jobSeed');
  return {
    job: {
      failRate: q.has('jobFailRate') && rate >= 0 && rate <= 1 ? rate : DEFAULT_JOB.failRate,
      stepMs: q.has('jobStepMs') && step >= 1 && step <= 10_000 ? step : DEFAULT_JOB.stepMs,
    },
    random: seed !== null && Number.isFinite(Number(seed)) ? seededRandom(Number(seed)) : Math.random,
  };
}

const root = createRoot(document.getElementById('root')!);

if (!hasCutline()) {
  root.render(
    <p className="fatal">Cutline could not start: this page must be opened by the Cutline app or its browser host.</p>,
  );
} else {
  const api = getCutline();
  // uncaught errors of this window go to main (sent only with the user's consent)
  forwardUncaughtErrors(api);
  const store = createAppStore({ api, ...jobOptions() });
  void connectStore(store, api).catch(() => {
    store.getState().notify('error', 'Cutline could not reach its background process. Restart the app.');
  });
  // Save pending project edits before the window goes away.
  window.addEventListener('beforeunload', () => void store.getState().flushSave());
  root.render(
    <StrictMode>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </StrictMode>,
  );
}
