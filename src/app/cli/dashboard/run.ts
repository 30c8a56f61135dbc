// The live dashboard in a terminal: alternate screen, raw keys, redraw in place (cursor home,
// overwrite each line, clear its rest) only when the frame changed, refresh at most every 1 s.
// The terminal is restored on q/Esc, Ctrl-C, SIGTERM/SIGHUP and process exit.
import { emitKeypressEvents } from 'node:readline';
import type { DirectJobs } from '../directJobs.js';
import { UsageError, oneLine } from '../cliErrors.js';
import { killLine, retryLine } from '../formatJobs.js';
import { colorsFor } from '../output.js';
import { renderDashboard } from './render.js';
import { handleKey, initialState, withData, withMessage, withQueues, type DashboardAction, type DashboardState, type Key } from './state.js';

const ENTER_SCREEN = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE_SCREEN = '\x1b[?25h\x1b[?1049l';

export interface DashboardIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  refreshMs?: number;
}

export async function runDashboard(
  backend: DirectJobs,
  io: DashboardIo = { stdin: process.stdin, stdout: process.stdout },
): Promise<void> {
  const { stdin, stdout } = io;
  if (!stdin.isTTY || !stdout.isTTY) {
    throw new UsageError('the dashboard needs an interactive terminal: use `jobs list` (or `jobs list --json`) in scripts');
  }
  const refreshMs = io.refreshMs ?? 1_000;
  // Fails with one line (unreachable dev instance / database) before the screen is taken over.
  const info = await backend.info();
  const colors = colorsFor(stdout);
  let state: DashboardState = initialState(info.target, {
    ...(info.temporalUiUrl ? { temporalUiUrl: info.temporalUiUrl } : {}),
    temporalNamespace: info.temporalNamespace,
  });

  let lastFrame = '';
  const draw = () => {
    const lines = renderDashboard(state, { width: stdout.columns || 80, height: stdout.rows || 24, now: new Date(), colors });
    const frame = `\x1b[H${lines.map((line) => `${line}\x1b[K`).join('\r\n')}\x1b[J`;
    if (frame !== lastFrame) {
      lastFrame = frame;
      stdout.write(frame);
    }
  };

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    stdout.write(LEAVE_SCREEN);
  };

  // Which queues lack a runner costs a Temporal call per queue: ask at most every 5 s.
  const QUEUE_CHECK_MS = 5_000;
  let queuesCheckedAt = 0;
  const checkQueues = () => {
    if (Date.now() - queuesCheckedAt < QUEUE_CHECK_MS) return Promise.resolve(undefined);
    queuesCheckedAt = Date.now();
    return backend.queues().catch(() => undefined);
  };

  let refreshing = false;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  const refresh = async () => {
    if (refreshing || finished) return;
    refreshing = true;
    try {
      const status = state.filter === 'all' ? undefined : state.filter;
      const [jobs, stats, queues] = await Promise.all([backend.list({ ...(status ? { status } : {}), limit: 200 }), backend.stats(), checkQueues()]);
      if (finished) return;
      state = withQueues(state, queues);
      // A filter change while loading makes this answer stale: the next refresh brings the right rows.
      if ((state.filter === 'all' ? undefined : state.filter) === status) state = withData(state, jobs, stats);
      if (state.message?.kind === 'error' && state.message.text.startsWith('refresh failed')) state = { ...state, message: undefined };
    } catch (error) {
      state = withMessage(state, `refresh failed: ${oneLine((error as Error).message)}`, 'error');
    } finally {
      refreshing = false;
    }
    if (!finished) draw();
  };
  const schedule = () => {
    if (finished) return;
    clearTimeout(timer);
    timer = setTimeout(() => void refresh().then(schedule), refreshMs);
  };

  return new Promise<void>((resolve) => {
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      stdin.off('keypress', onKey);
      stdout.off('resize', draw);
      process.off('SIGTERM', finish);
      process.off('SIGHUP', finish);
      process.off('SIGINT', finish);
      process.off('exit', restore);
      restore();
      resolve();
    };

    const run = async (action: DashboardAction) => {
      if (action.type === 'quit') return finish();
      if (action.type === 'refresh') return refresh();
      try {
        const text = action.type === 'kill' ? killLine(await backend.kill(action.id)) : retryLine(await backend.retry(action.id));
        state = withMessage(state, text);
      } catch (error) {
        state = withMessage(state, `${action.type} failed: ${oneLine((error as Error).message)}`, 'error');
      }
      await refresh();
    };

    const onKey = (_text: string | undefined, key: Key | undefined) => {
      if (!key) return;
      const result = handleKey(state, key, Math.max(1, (stdout.rows || 24) - 10));
      state = result.state;
      draw();
      if (result.action) void run(result.action);
    };

    process.on('exit', restore);
    process.once('SIGTERM', finish);
    process.once('SIGHUP', finish);
    process.once('SIGINT', finish);
    stdout.write(ENTER_SCREEN);
    emitKeypressEvents(stdin);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('keypress', onKey);
    stdout.on('resize', draw);
    draw();
    void refresh().then(schedule);
  });
}
