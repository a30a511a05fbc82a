import GRDB

/// The store's schema, as named migrations applied in order. A shipped migration is never edited: add a new one.
public enum StoreMigrations {
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tasks-and-revisions") { db in
            try db.create(table: "task") { t in
                t.primaryKey("id", .text)
                t.column("dataset", .text).notNull().indexed()
                t.column("sourceID", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "taskRevision") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("taskID", .text).notNull().references("task", onDelete: .restrict).indexed()
                t.column("number", .integer).notNull()
                t.column("contentHash", .text).notNull().indexed()
                t.column("content", .text).notNull()
                t.column("origin", .text).notNull()
                t.column("author", .text).notNull()
                t.column("note", .text)
                t.column("sourcePath", .text)
                t.column("sourceLocation", .text)
                t.column("rawSHA256", .text)
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["taskID", "number"])
            }
            try db.create(table: "ingestedFile") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("path", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("format", .text).notNull()
                t.column("dataset", .text).notNull()
                t.column("accepted", .integer).notNull()
                t.column("rejected", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v1-flags") { db in
            try db.create(table: "flag") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("revisionID", .integer).notNull().references("taskRevision", onDelete: .restrict).indexed()
                t.column("taskID", .text).notNull().indexed()
                t.column("stage", .text).notNull()
                t.column("code", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("message", .text).notNull()
                t.column("evidence", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("supersededAt", .datetime)
            }
            try db.create(index: "flag_active", on: "flag", columns: ["stage", "code", "supersededAt"])
            try db.create(table: "flagOverride") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("flagID", .integer).notNull().references("flag", onDelete: .restrict).indexed()
                t.column("editor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v1-stage-runs") { db in
            try db.create(table: "stageRun") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("pipeline", .text).notNull()
                t.column("stage", .text).notNull()
                t.column("fingerprint", .text).notNull()
                t.column("status", .text).notNull()
                t.column("summary", .text)
                t.column("startedAt", .datetime).notNull()
                t.column("finishedAt", .datetime)
            }
            try db.create(
                index: "stageRun_lookup", on: "stageRun", columns: ["pipeline", "stage", "fingerprint", "status"])
        }
        migrator.registerMigration("v2-executions") { db in
            try db.create(table: "execution") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("revisionID", .integer).notNull().references("taskRevision", onDelete: .restrict).indexed()
                t.column("key", .text).notNull().indexed()
                t.column("status", .text).notNull()
                t.column("passed", .boolean).notNull()
                t.column("verdict", .text).notNull()
                t.column("cpuSeconds", .double).notNull()
                t.column("wallSeconds", .double).notNull()
                t.column("peakMemoryKB", .integer).notNull()
                t.column("pythonVersion", .text).notNull()
                t.column("timeoutSeconds", .double).notNull()
                t.column("calibratedTimeoutSeconds", .double)
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["revisionID", "key"])
            }
        }
        migrator.registerMigration("v2-filters-sample-evaluations") { db in
            try db.create(table: "sampleEvaluation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("revisionID", .integer).notNull().references("taskRevision", onDelete: .restrict).indexed()
                t.column("taskID", .text).notNull().indexed()
                t.column("samplesPath", .text).notNull()
                t.column("samplesSHA256", .text).notNull()
                t.column("n", .integer).notNull()
                t.column("c", .integer).notNull()
                t.column("passAt1", .double)
                t.column("passAt10", .double)
                t.column("passAt100", .double)
                t.column("passedSamples", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v2-mathqa-drops") { db in
            try db.create(table: "mathqaDrop") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("dataset", .text).notNull()
                t.column("split", .text).notNull()
                t.column("sourcePath", .text).notNull()
                t.column("recordIndex", .integer).notNull()
                t.column("reason", .text).notNull()
                t.column("message", .text).notNull()
                t.column("location", .text)
                t.column("linearFormula", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(index: "mathqaDrop_lookup", on: "mathqaDrop", columns: ["dataset", "sourcePath", "reason"])
        }
        migrator.registerMigration("v3-review-actions") { db in
            try db.create(table: "reviewAction") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull().unique()
                t.column("dataset", .text).notNull().indexed()
                t.column("taskID", .text).notNull().references("task", onDelete: .restrict).indexed()
                t.column("kind", .text).notNull()
                t.column("outcome", .text)
                t.column("baseHash", .text)
                t.column("resultHash", .text)
                t.column("revisionID", .integer).references("taskRevision", onDelete: .restrict)
                t.column("fields", .text)
                t.column("status", .text)
                t.column("stage", .text)
                t.column("code", .text)
                t.column("severity", .text)
                t.column("message", .text)
                t.column("editor", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("line", .text)
            }
        }
        migrator.registerMigration("v4-generated-tests") { db in
            try db.create(table: "generatedTest") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("revisionID", .integer).notNull().references("taskRevision", onDelete: .restrict).indexed()
                t.column("ordinal", .integer).notNull()
                t.column("statement", .text).notNull()
                t.column("inputRepr", .text).notNull()
                t.column("expectedRepr", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("generator", .text).notNull()
                t.column("reduced", .boolean).notNull().defaults(to: false)
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["revisionID", "ordinal"])
            }
        }
        migrator.registerMigration("v4-mutation-analysis") { db in
            try db.create(table: "mutationRun") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("revisionID", .integer).notNull().references("taskRevision", onDelete: .restrict).indexed()
                t.column("taskID", .text).notNull().indexed()
                t.column("generatorDigest", .text).notNull()
                t.column("options", .text).notNull()
                t.column("generatedTests", .integer).notNull()
                t.column("mutants", .integer).notNull()
                t.column("killedByOriginal", .integer).notNull()
                t.column("killedOnlyByGenerated", .integer).notNull()
                t.column("survived", .integer).notNull()
                t.column("referenceSeconds", .double).notNull()
                t.column("mutantTimeoutSeconds", .double).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "mutant") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("runID", .integer).notNull().references("mutationRun", onDelete: .cascade).indexed()
                t.column("revisionID", .integer).notNull().references("taskRevision", onDelete: .restrict)
                t.column("ordinal", .integer).notNull()
                t.column("mutationOperator", .text).notNull()
                t.column("line", .integer).notNull()
                t.column("column", .integer).notNull()
                t.column("endLine", .integer).notNull()
                t.column("endColumn", .integer).notNull()
                t.column("original", .text).notNull()
                t.column("replacement", .text).notNull()
                t.column("diff", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("killingTests", .text).notNull()
                t.uniqueKey(["runID", "ordinal"])
            }
        }
        return migrator
    }
}
