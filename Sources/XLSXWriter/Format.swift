internal import CXlsxWriter

/// Horizontal cell alignment.
public enum HorizontalAlignment: Hashable, Sendable, CaseIterable {
    case left, center, right, fill, justify, centerAcross, distributed
}

/// Vertical cell alignment.
public enum VerticalAlignment: Hashable, Sendable, CaseIterable {
    case top, bottom, center, justify, distributed
}

/// Cell border line style (applied to all four sides).
public enum BorderStyle: Hashable, Sendable, CaseIterable {
    case thin, medium, dashed, dotted, thick, double, hair
    case mediumDashed, dashDot, mediumDashDot, dashDotDot, mediumDashDotDot, slantDashDot
}

/// A value description of a cell format; identical specs share one libxlsxwriter format.
public struct FormatSpec: Hashable, Sendable {
    /// Bold font.
    public var bold: Bool
    /// Italic font.
    public var italic: Bool
    /// Font name (e.g. "Calibri"); nil keeps the default. At most 127 UTF-8 bytes.
    public var fontName: String?
    /// Font size in points (1...409); nil keeps the default 11.
    public var fontSize: Double?
    /// Font color as 0xRRGGBB; nil keeps the default.
    public var fontColor: UInt32?
    /// Solid background fill color as 0xRRGGBB; nil means no fill.
    public var backgroundColor: UInt32?
    /// Excel number format string (e.g. "0.00", "yyyy-mm-dd"); nil is "General". At most 127 UTF-8 bytes.
    public var numberFormat: String?
    /// Wrap text within the cell.
    public var textWrap: Bool
    /// Horizontal alignment; nil keeps Excel's default.
    public var horizontalAlignment: HorizontalAlignment?
    /// Vertical alignment; nil keeps Excel's default (bottom).
    public var verticalAlignment: VerticalAlignment?
    /// Border on all four sides; nil means no border.
    public var border: BorderStyle?
    /// Border color as 0xRRGGBB; nil keeps the default (automatic).
    public var borderColor: UInt32?

    /// Creates a spec; every parameter defaults to "unchanged from Excel's default".
    public init(
        bold: Bool = false, italic: Bool = false, fontName: String? = nil, fontSize: Double? = nil,
        fontColor: UInt32? = nil, backgroundColor: UInt32? = nil, numberFormat: String? = nil,
        textWrap: Bool = false, horizontalAlignment: HorizontalAlignment? = nil,
        verticalAlignment: VerticalAlignment? = nil, border: BorderStyle? = nil, borderColor: UInt32? = nil
    ) {
        self.bold = bold
        self.italic = italic
        self.fontName = fontName
        self.fontSize = fontSize
        self.fontColor = fontColor
        self.backgroundColor = backgroundColor
        self.numberFormat = numberFormat
        self.textWrap = textWrap
        self.horizontalAlignment = horizontalAlignment
        self.verticalAlignment = verticalAlignment
        self.border = border
        self.borderColor = borderColor
    }

    /// Throws `.invalidArgument` if a field cannot be represented faithfully by libxlsxwriter.
    func validate(operation: String) throws {
        for (label, color) in [
            ("fontColor", fontColor), ("backgroundColor", backgroundColor), ("borderColor", borderColor),
        ] {
            if let color, color > 0xFF_FFFF {
                throw XLSXError.invalid(
                    operation,
                    "FormatSpec.\(label) 0x\(String(color, radix: 16)) is not a 0xRRGGBB value; use a color in 0x000000...0xFFFFFF."
                )
            }
        }
        if let fontSize, !(fontSize.isFinite && fontSize >= 1 && fontSize <= 409) {
            throw XLSXError.invalid(
                operation,
                "FormatSpec.fontSize \(fontSize) is outside Excel's 1...409 points; use a size in that range.")
        }
        for (label, text) in [("fontName", fontName), ("numberFormat", numberFormat)] {
            guard let text else { continue }
            // libxlsxwriter copies these into 128-byte buffers and would cut them silently.
            if text.isEmpty || text.utf8.count > 127 {
                throw XLSXError.invalid(operation, "FormatSpec.\(label) must be 1 to 127 UTF-8 bytes long; shorten it.")
            }
            if text.unicodeScalars.contains(where: {
                Worksheet.mustEscape($0) || $0 == "\r" || $0 == "\n" || $0 == "\t"
            }) {
                throw XLSXError.invalid(operation, "FormatSpec.\(label) contains a control character; remove it.")
            }
        }
    }

    /// Applies the spec to a fresh libxlsxwriter format.
    func apply(to format: UnsafeMutablePointer<lxw_format>) {
        if bold { format_set_bold(format) }
        if italic { format_set_italic(format) }
        if let fontName { format_set_font_name(format, fontName) }
        if let fontSize { format_set_font_size(format, fontSize) }
        if let fontColor { format_set_font_color(format, FormatSpec.lxwColor(fontColor)) }
        if let backgroundColor {
            format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(format, FormatSpec.lxwColor(backgroundColor))
        }
        if let numberFormat { format_set_num_format(format, numberFormat) }
        if textWrap { format_set_text_wrap(format) }
        if let horizontalAlignment { format_set_align(format, horizontalAlignment.lxwValue) }
        if let verticalAlignment { format_set_align(format, verticalAlignment.lxwValue) }
        if let border { format_set_border(format, border.lxwValue) }
        if let borderColor { format_set_border_color(format, FormatSpec.lxwColor(borderColor)) }
    }

    /// libxlsxwriter treats color 0 as "unset", so black must be passed as LXW_COLOR_BLACK.
    static func lxwColor(_ rgb: UInt32) -> lxw_color_t {
        rgb == 0 ? lxw_color_t(LXW_COLOR_BLACK.rawValue) : lxw_color_t(rgb)
    }
}

extension HorizontalAlignment {
    /// The libxlsxwriter alignment constant.
    var lxwValue: UInt8 {
        let value: lxw_format_alignments
        switch self {
        case .left: value = LXW_ALIGN_LEFT
        case .center: value = LXW_ALIGN_CENTER
        case .right: value = LXW_ALIGN_RIGHT
        case .fill: value = LXW_ALIGN_FILL
        case .justify: value = LXW_ALIGN_JUSTIFY
        case .centerAcross: value = LXW_ALIGN_CENTER_ACROSS
        case .distributed: value = LXW_ALIGN_DISTRIBUTED
        }
        return UInt8(value.rawValue)
    }
}

extension VerticalAlignment {
    /// The libxlsxwriter alignment constant.
    var lxwValue: UInt8 {
        let value: lxw_format_alignments
        switch self {
        case .top: value = LXW_ALIGN_VERTICAL_TOP
        case .bottom: value = LXW_ALIGN_VERTICAL_BOTTOM
        case .center: value = LXW_ALIGN_VERTICAL_CENTER
        case .justify: value = LXW_ALIGN_VERTICAL_JUSTIFY
        case .distributed: value = LXW_ALIGN_VERTICAL_DISTRIBUTED
        }
        return UInt8(value.rawValue)
    }
}

extension BorderStyle {
    /// The libxlsxwriter border constant.
    var lxwValue: UInt8 {
        let value: lxw_format_borders
        switch self {
        case .thin: value = LXW_BORDER_THIN
        case .medium: value = LXW_BORDER_MEDIUM
        case .dashed: value = LXW_BORDER_DASHED
        case .dotted: value = LXW_BORDER_DOTTED
        case .thick: value = LXW_BORDER_THICK
        case .double: value = LXW_BORDER_DOUBLE
        case .hair: value = LXW_BORDER_HAIR
        case .mediumDashed: value = LXW_BORDER_MEDIUM_DASHED
        case .dashDot: value = LXW_BORDER_DASH_DOT
        case .mediumDashDot: value = LXW_BORDER_MEDIUM_DASH_DOT
        case .dashDotDot: value = LXW_BORDER_DASH_DOT_DOT
        case .mediumDashDotDot: value = LXW_BORDER_MEDIUM_DASH_DOT_DOT
        case .slantDashDot: value = LXW_BORDER_SLANT_DASH_DOT
        }
        return UInt8(value.rawValue)
    }
}

/// Identity token of one workbook; formats remember it so they cannot be used with another workbook.
final class WorkbookIdentity: Sendable {}

/// A cell format registered with one `Workbook` (get it from `Workbook.addFormat`).
public struct Format: Equatable, Sendable {
    /// The spec this format was made from.
    public let spec: FormatSpec
    /// Position in the owning workbook's format table.
    let index: Int
    /// The owning workbook's identity.
    let owner: WorkbookIdentity

    /// Formats are equal if they are the same entry of the same workbook.
    public static func == (lhs: Format, rhs: Format) -> Bool {
        lhs.owner === rhs.owner && lhs.index == rhs.index
    }
}
