// Bottom line: where the model runs (or why it does not), and the progress of running tasks.
import type { ApiResponse, ProgressEvent } from '../../src-shared/api/contract.js';

type SystemStatus = ApiResponse<'system.status'>;

interface Props {
  status: SystemStatus | null;
  statusError: string | null;
  tasks: readonly ProgressEvent[];
  activity: string | null;
}

function eta(s: number | null): string {
  if (s === null) return '';
  return s < 60 ? ` · ${Math.ceil(s)} s left` : ` · ${Math.ceil(s / 60)} min left`;
}

export function StatusBar({ status, statusError, tasks, activity }: Props) {
  return (
    <footer className="status-bar">
      {statusError ? (
        <span className="error" role="alert">
          Server: {statusError}
        </span>
      ) : !status ? (
        <span className="muted">Connecting…</span>
      ) : status.model ? (
        <span data-testid="provider" data-gpu={status.model.provider.gpu} title={`${status.model.name} ${status.model.version} on ${status.model.provider.description}`}>
          {status.model.provider.gpu ? `Model runs on the GPU (${status.model.provider.name.toUpperCase()})` : 'Model runs on the CPU'}
        </span>
      ) : status.modelError ? (
        <span className="error" role="alert" data-testid="model-error">
          Landmark model failed to load: {status.modelError} — images still import and display; landmarks cannot be detected.
        </span>
      ) : (
        <span className="muted">Landmark model not loaded yet (it loads with the first detection).</span>
      )}
      {activity && <span className="activity">{activity}</span>}
      {tasks.map((t) => (
        <span key={t.taskId} className="task" data-task={t.task}>
          {t.task} {t.done}/{t.total}
          {t.failed ? ` (${t.failed} failed)` : ''}
          {t.done >= t.total ? ' · done' : `${t.current ? ` · ${t.current}` : ''}${eta(t.etaSeconds)}`}
          <progress max={Math.max(1, t.total)} value={t.done} />
        </span>
      ))}
      {status && <span className="muted version">v{status.version}</span>}
    </footer>
  );
}
