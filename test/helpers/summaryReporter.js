// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI systems read. Under
// `npm test` (scripts/test.js), which runs two jests side by side, it writes the counts to
// WI_JEST_SUMMARY_FILE instead, and npm test prints one line for both.
const fs = require("fs");

class SummaryReporter {
    onRunComplete(_contexts, results) {
        const counts = { passed: results.numPassedTests, failed: results.numFailedTests, skipped: results.numPendingTests + results.numTodoTests };
        const file = process.env.WI_JEST_SUMMARY_FILE;
        if (file) fs.writeFileSync(file, JSON.stringify(counts));
        else process.stderr.write(`jest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
    }
}
module.exports = SummaryReporter;
