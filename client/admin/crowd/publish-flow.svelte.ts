import { ApiError, api, handleError } from '../../lib/api.ts';
import { toasts } from '../../lib/toasts.svelte.ts';
import type {
  CrowdEstimate,
  CrowdEstimateInput,
  CrowdPublishInput,
  CrowdPublished,
  ProlificEstimateInput,
  ProlificPublishInput,
} from '../../lib/types.ts';

/**
 * What every channel's publish form does with the server: estimate, publish only while the estimate matches the
 * form's cost inputs, expire, with one busy flag and the server's message shown inline (e.g. a budget refusal).
 */
export class PublishFlow {
  estimate = $state<CrowdEstimate | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);
  outcome = $state<string | null>(null);
  #estimatedFor = $state('');

  constructor(
    private readonly batchId: () => number,
    private readonly costInput: () => CrowdEstimateInput | ProlificEstimateInput,
    private readonly onchanged: () => void,
  ) {}

  /** False once any input that drives the cost changed since the estimate. */
  get estimateCurrent() {
    return this.estimate !== null && this.#estimatedFor === JSON.stringify(this.costInput());
  }

  async #run(action: () => Promise<void>) {
    this.busy = true;
    this.error = null;
    try {
      await action();
    } catch (failure) {
      if (failure instanceof ApiError) this.error = failure.message;
      else handleError(failure);
    } finally {
      this.busy = false;
    }
  }

  estimateCost() {
    const input = this.costInput();
    return this.#run(async () => {
      this.estimate = await api.estimateCrowd(this.batchId(), input);
      this.#estimatedFor = JSON.stringify(input);
    });
  }

  publish(input: CrowdPublishInput | ProlificPublishInput, describe: (result: CrowdPublished) => string) {
    return this.#run(async () => {
      this.outcome = describe(await api.publishCrowd(this.batchId(), input));
      toasts.info(this.outcome);
      this.onchanged();
    });
  }

  expire(describe: (expired: number) => string) {
    return this.#run(async () => {
      this.outcome = describe((await api.expireCrowd(this.batchId())).expired);
      this.onchanged();
    });
  }
}
