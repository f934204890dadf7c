/**
 * A jest setup file (every test file): keeps the Pulumi SDK's debugging stacks off jest's
 * source-map formatter. The SDK reads `new Error().stack` for every promise it makes (runtime/
 * debuggable.js, kept for its leak report), several per resource property, and under jest each of
 * those stacks is mapped frame by frame through source maps: about 40% of the CPU of a test that
 * declares a ContainerHostPool under mocks. Those stacks get node's plain formatting of their first
 * frames (the SDK only prints them in a leak report); every other error is formatted by jest, with
 * source maps, as before.
 */
import { inspect } from "util";

const DEBUGGABLE = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;

// jest installs its formatter on the worker's Error, not on this test context's: node uses a
// context's own Error.prepareStackTrace first, else the worker's. `inspect` is a worker function,
// so its Function constructor evaluates in the worker's realm.
const workerError = (Object.getPrototypeOf(inspect).constructor as FunctionConstructor)("return Error")() as ErrorConstructor;

/** Enough frames to find the promise's creator in a leak report. */
const DEBUG_FRAMES = 8;

function plain(error: Error, frames: NodeJS.CallSite[], limit = frames.length): string {
    return `${error.name}: ${error.message}${frames.slice(0, limit).map((f) => `\n    at ${f}`).join("")}`;
}

Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (DEBUGGABLE.test(frames[0]?.getFileName() ?? "")) return plain(error, frames, DEBUG_FRAMES);
    const jest = workerError.prepareStackTrace;
    return jest ? jest(error, frames) : plain(error, frames);
};
