/** At most `limit` tasks at once (the reader keeps one per registry, so no registry sees more than 8 requests in flight). */
export class Limiter {
    private running = 0;
    private readonly waiting: (() => void)[] = [];
    /** The most that ever ran at once (the tests read it). */
    peak = 0;

    constructor(private readonly limit: number) {}

    async run<T>(task: () => Promise<T>): Promise<T> {
        // A finishing task hands its slot straight to the next waiter, so a newcomer cannot slip in between.
        if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
        else this.running++;
        this.peak = Math.max(this.peak, this.running);
        try {
            return await task();
        } finally {
            const next = this.waiting.shift();
            if (next) next();
            else this.running--;
        }
    }
}
