import Foundation

/// Fatal problems of the filter stages.
public enum FilterError: LocalizedError, Equatable {
    case badSplitRanges(String, part: String)
    case badThreshold(Double)
    case noTasks(dataset: String?)
    case unreadableSamples(path: String, reason: String)
    case badSample(path: String, line: Int, reason: String)
    case badRuns(Int)
    case noSampleMatched(path: String, samples: Int)

    public var errorDescription: String? {
        switch self {
        case .badSplitRanges(let text, let part):
            return
                "cannot read split ranges '\(text)' at '\(part)'. Write them as NAME=LOW-HIGH,…, e.g. 'prompt=1-10,test=11-510,validation=511-600,train=601-974'."
        case .badThreshold(let value):
            return "threshold \(value) is not a similarity between 0 and 1. Pass --threshold with a value such as 0.8."
        case .noTasks(let dataset):
            if let dataset {
                return
                    "no tasks of dataset '\(dataset)' in the store. Run `curate ingest` first or check the name with `curate stats`."
            }
            return "no tasks in the store. Run `curate ingest` first."
        case .unreadableSamples(let path, let reason):
            return
                "cannot read samples file '\(path)': \(reason). Check the path; it must be JSON lines or a JSON array of samples."
        case .badSample(let path, let line, let reason):
            return "'\(path)' line \(line): \(reason). Each sample needs \"task_id\" and \"completion\" (or \"code\")."
        case .badRuns(let runs):
            return "\(runs) runs cannot show disagreement. Pass --runs 2 or more (default 5)."
        case .noSampleMatched(let path, let samples):
            return
                "none of the \(samples) sample(s) in '\(path)' matched a task of the selected datasets, so nothing was evaluated or recorded. Check the samples' task_id values against `curate list` and --dataset."
        }
    }
}
