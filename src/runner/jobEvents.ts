// State changes observed by this process, for logs and for `runner.events.on('job', ...)`.
import { EventEmitter } from 'node:events';
import type { JobErrorEntry, JobStatus } from '../interfaces.js';

export interface JobEvent {
  jobId: string;
  status: JobStatus | 'started' | 'invalid';
  attempt?: number;
  error?: JobErrorEntry;
  nextAttemptInMs?: number;
  workflowId?: string;
}

export class JobEvents extends EventEmitter<{ job: [JobEvent] }> {
  publish(event: JobEvent): void {
    this.emit('job', event);
  }
}
