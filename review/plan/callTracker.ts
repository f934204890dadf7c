/**
 * Every call the plan's monitor server receives, counted from the moment its headers arrive (a
 * server interceptor, so also a call whose message never fully arrives or whose handler never
 * runs) to the status it is answered with. Once the runner has exited, a call that starts is
 * late: the runner waits for every answer before it ends, so only a program that ended itself
 * mid-call, or a process it left behind, sends one. Either is refused.
 */
import * as grpc from "@grpc/grpc-js";

export class CallTracker {
    private started = 0;
    private ended = 0;
    private late = 0;
    private cancelled = 0;
    private closed = false;

    readonly interceptor: grpc.ServerInterceptor = (_method, call) => {
        // gRPC reports a cancel also when an answered call's stream closes: only one before its answer counts.
        let answered = false;
        return new grpc.ServerInterceptingCall(call, {
            start: (next) => {
                this.started++;
                if (this.closed) this.late++;
                next(new grpc.ServerListenerBuilder().withOnCancel(() => (answered ? undefined : this.cancelled++)).build());
            },
            sendStatus: (status, next) => {
                answered = true;
                this.ended++;
                next(status);
            },
        });
    };

    /** From now on every call that starts is late. */
    close(): void {
        this.closed = true;
    }

    /** Why the calls cannot be trusted to be all the runner sent, or undefined. */
    problem(): string | undefined {
        if (this.late > 0) return `${this.late} call(s) reached the plan's monitor after the program process had exited (did the program end itself while registering, or leave a process behind?); the plan judges no result it cannot trust`;
        const unanswered = this.started - this.ended;
        if (this.cancelled > 0 || unanswered > 0) return `${Math.max(this.cancelled, unanswered)} call(s) to the plan's monitor were cut off before their answer (did the program end itself while registering?); the plan judges no partial program`;
        return undefined;
    }
}
