import DRSReport
import Foundation
import Testing

@testable import drs_report

/// Option values are the CLI's to parse; the library takes typed values.
@Suite struct OptionParsingTests {
    @Test func optionParsing() throws {
        #expect(try OptionParsing.duration("24h", option: "x") == 86_400)
        #expect(try OptionParsing.duration("90m", option: "x") == 5_400)
        #expect(try OptionParsing.duration("2d", option: "x") == 172_800)
        #expect(try OptionParsing.duration("45", option: "x") == 45)
        #expect(throws: DRSReportError.self) { try OptionParsing.duration("soon", option: "x") }
        #expect(try OptionParsing.time("@1763683200", option: "--now") == Date(timeIntervalSince1970: 1_763_683_200))
        #expect(try OptionParsing.time("2026-11-21T08:00:00+08:00", option: "--now") == testNow)
        #expect(
            try OptionParsing.now(nil, environment: ["SOURCE_DATE_EPOCH": "1763683200"])
                == Date(timeIntervalSince1970: 1_763_683_200))
        #expect(try OptionParsing.timeZone("+08:00").secondsFromGMT() == 28_800)
        #expect(try OptionParsing.timeZone("Asia/Shanghai").identifier == "Asia/Shanghai")
        #expect(throws: DRSReportError.self) { try OptionParsing.timeZone("Mars/Base") }
        #expect(LanguageOption(argument: "zh-CN")?.language == .zhCN && LanguageOption(argument: "en_us") == .enUS)
        #expect(LanguageOption(argument: "fr") == nil && CompareOption(argument: "rows") == nil)
    }
}

/// The library names options by meaning (`OptionName`); the CLI spells every one as a flag it has.
@Suite struct OptionNameTests {
    @Test func everyOptionHasAFlagTheCLIAccepts() throws {
        let help = [
            DRSReportCommand.helpMessage(for: RenderCommand.self), DRSReportCommand.helpMessage(for: FetchCommand.self),
            DRSReportCommand.helpMessage(for: BatchCommand.self), DRSReportCommand.helpMessage(for: DiffCommand.self),
            DRSReportCommand.helpMessage(for: RunCommand.self), DRSReportCommand.helpMessage(for: VerifyCommand.self),
        ].joined(separator: "\n")
        for option in OptionName.allCases {
            let flag = Flags.flag(option)
            #expect(flag.hasPrefix("--") && help.contains(flag + " "), "\(option) -> \(flag)")
            #expect(!option.meaning.isEmpty && !option.meaning.contains("--"))
        }
    }

    @Test func messagesNameOptionsByMeaningAndTheCLIByFlag() {
        let errors: [DRSReportError] = [
            .outputNotWritable(path: "/x", reason: "denied"),
            .requestFailed(request: "GET /", reason: "timed out", attempts: 3),
            .waitTimedOut(taskIds: ["t1"], seconds: 60),
            .invalidOption(name: OptionName.format.ref, value: "pdf", expected: "html"),
            .archiveExists(path: "/a"), .outputIsWorkingDirectory(path: "."),
        ]
        for error in errors {
            #expect(!error.message.contains("⟦") && !error.message.contains("--"), "\(error.message)")
            let cli = error.message(naming: Flags.flag)
            #expect(!cli.contains("⟦") && cli.contains("--"), "\(cli)")
        }
        #expect(
            DRSReportError.outputNotWritable(path: "/x", reason: "denied").message(naming: Flags.flag)
                == "/x: cannot write output (denied); choose a writable --out folder.")
    }
}
