/// What a dataset card says about the dataset a release was curated from: its paper, license and Hub metadata.
public struct SourceDataset: Sendable, Hashable {
    public var title: String
    public var summary: String
    public var license: String
    public var taskCategories: [String]
    public var tags: [String]
    /// BibTeX entries of the papers to cite.
    public var citations: [String]

    static let austin2021 = """
        @article{austin2021program,
          title={Program Synthesis with Large Language Models},
          author={Austin, Jacob and Odena, Augustus and Nye, Maxwell and Bosma, Maarten and Michalewski, Henryk and Dohan, David and Jiang, Ellen and Cai, Carrie and Terry, Michael and Le, Quoc and Sutton, Charles},
          journal={arXiv preprint arXiv:2108.07732},
          year={2021}
        }
        """
    static let chen2021 = """
        @article{chen2021evaluating,
          title={Evaluating Large Language Models Trained on Code},
          author={Chen, Mark and Tworek, Jerry and Jun, Heewoo and Yuan, Qiming and Pinto, Henrique Ponde de Oliveira and Kaplan, Jared and Edwards, Harri and Burda, Yuri and Joseph, Nicholas and Brockman, Greg and others},
          journal={arXiv preprint arXiv:2107.03374},
          year={2021}
        }
        """
    static let amini2019 = """
        @inproceedings{amini2019mathqa,
          title={{MathQA}: Towards Interpretable Math Word Problem Solving with Operation-Based Formalisms},
          author={Amini, Aida and Gabriel, Saadia and Lin, Shanchuan and Koncel-Kedziorski, Rik and Choi, Yejin and Hajishirzi, Hannaneh},
          booktitle={Proceedings of the 2019 Conference of the North American Chapter of the Association for Computational Linguistics (NAACL-HLT)},
          pages={2357--2367},
          year={2019}
        }
        """

    /// The known source datasets, by release layout: the one table of per-dataset facts.
    static let known: [NativeLayout: SourceDataset] = [
        .mbpp: SourceDataset(
            title: "MBPP (Mostly Basic Python Problems)",
            summary:
                "974 crowd-sourced entry-level Python programming problems, each with a natural-language description, a reference solution and three assert-based test cases (Austin et al., 2021).",
            license: "cc-by-4.0", taskCategories: ["text-generation"],
            tags: ["code", "code-generation", "python", "mbpp"], citations: [austin2021]),
        .sanitizedMBPP: SourceDataset(
            title: "MBPP, sanitized (hand-verified subset)",
            summary:
                "The hand-verified subset of MBPP whose descriptions the authors rewrote to be unambiguous, with test imports split out (Austin et al., 2021).",
            license: "cc-by-4.0", taskCategories: ["text-generation"],
            tags: ["code", "code-generation", "python", "mbpp"], citations: [austin2021]),
        .humaneval: SourceDataset(
            title: "HumanEval",
            summary:
                "164 hand-written Python programming problems, each a function signature with a docstring, a canonical solution and unit tests (Chen et al., 2021).",
            license: "mit", taskCategories: ["text-generation"],
            tags: ["code", "code-generation", "python", "humaneval"], citations: [chen2021]),
        .mathqaPython: SourceDataset(
            title: "MathQA-Python",
            summary:
                "MathQA math word problems (Amini et al., 2019) converted to Python programs whose result is checked against the answer, as in Austin et al. (2021).",
            license: "apache-2.0", taskCategories: ["text-generation", "question-answering"],
            tags: ["code", "code-generation", "python", "math"], citations: [austin2021, amini2019]),
    ]

    /// The facts for a release layout; datasets curate has no facts for (crowd submissions) get a generic entry
    /// whose card says there is no paper to cite.
    public static func forLayout(_ layout: NativeLayout) -> SourceDataset {
        known[layout]
            ?? SourceDataset(
                title: "Code-synthesis tasks",
                summary: "Python programming tasks with reference solutions and tests, curated with curate.",
                license: "other", taskCategories: ["text-generation"], tags: ["code", "code-generation", "python"],
                citations: [])
    }

    /// Hugging Face's size category for a number of records.
    public static func sizeCategory(_ count: Int) -> String {
        switch count {
        case ..<1_000: return "n<1K"
        case ..<10_000: return "1K<n<10K"
        case ..<100_000: return "10K<n<100K"
        case ..<1_000_000: return "100K<n<1M"
        default: return "n>1M"
        }
    }
}
