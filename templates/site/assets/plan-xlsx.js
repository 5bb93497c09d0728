/* A minimal .xlsx writer, for the measurement plan the reader puts together on the plan page
   (plan.js); the build writes the themes' plans with XlsxWriter (cookbook/plan_sheet.py), in
   the same layout. Nothing is fetched: the file is made here and handed to the browser.

   One worksheet of text: a header row (bold, frozen, with a filter), column widths, a tint on
   the columns to fill in; printed, it is landscape, one page wide, the header on every page.
   Every cell is an inline string, so a cell is exactly its text, never a formula or a number:
   a contributor's "=HYPERLINK(…)" stays text. The text is XML-escaped; characters XML cannot
   hold are written as Excel writes them (_xHHHH_), and a literal "_xHHHH_" has its underscore
   escaped, as XlsxWriter does, so that it reads back as written.

   An .xlsx is a zip of XML parts (ECMA-376, Open Packaging Conventions). The parts are stored,
   not compressed, which the format allows and Excel and LibreOffice read: all the zip needs is
   a CRC-32 of each part. Every part is dated 1980-01-01, like XlsxWriter's. */
(function () {
  "use strict";

  var MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  var RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  var PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships";
  var BLUE = "FF1D4F6E", ACCENT = "FF8A3A14", TINT = "FFFDF6E3", RULE = "FF9AA5AC";
  // Cell styles, by their index in styles.xml's cellXfs (see styles() below).
  var HEADER = 1, HEADER_FILL_IN = 2, CELL = 3, LEVEL = 4, FILL_IN = 5;

  /* ---- The zip ---- */

  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    var c = 0xFFFFFFFF;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xFF] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
  }

  var DOS_DATE = (0 << 9) | (1 << 5) | 1;  // 1980-01-01: years since 1980, month, day

  /* A zip of `files` ([name, bytes], the names ASCII), each stored as it is. */
  function zip(files) {
    var chunks = [], directory = [], offset = 0;
    files.forEach(function (file) {
      var name = new TextEncoder().encode(file[0]), data = file[1], crc = crc32(data);
      var local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034B50, true);   // local file header
      local.setUint16(4, 20, true);            // version needed: 2.0
      local.setUint16(8, 0, true);             // method: stored
      local.setUint16(12, DOS_DATE, true);     // time 00:00 (bytes 10-11 stay 0), date
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);  // compressed size
      local.setUint32(22, data.length, true);  // size
      local.setUint16(26, name.length, true);
      chunks.push(new Uint8Array(local.buffer), name, data);
      var entry = new DataView(new ArrayBuffer(46));
      entry.setUint32(0, 0x02014B50, true);    // central directory entry
      entry.setUint16(4, 20, true);            // made by: 2.0
      entry.setUint16(6, 20, true);            // needed: 2.0
      entry.setUint16(14, DOS_DATE, true);
      entry.setUint32(16, crc, true);
      entry.setUint32(20, data.length, true);
      entry.setUint32(24, data.length, true);
      entry.setUint16(28, name.length, true);
      entry.setUint32(42, offset, true);       // where its local header is
      directory.push(new Uint8Array(entry.buffer), name);
      offset += 30 + name.length + data.length;
    });
    var size = directory.reduce(function (sum, chunk) { return sum + chunk.length; }, 0);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054B50, true);        // end of central directory
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, size, true);
    end.setUint32(16, offset, true);
    var all = chunks.concat(directory, [new Uint8Array(end.buffer)]);
    var out = new Uint8Array(offset + size + 22), at = 0;
    all.forEach(function (chunk) { out.set(chunk, at); at += chunk.length; });
    return out;
  }

  /* ---- The XML parts ---- */

  /* Text for an element or an attribute, escaped for XML; characters XML cannot hold are left out. */
  function text(value) {
    return String(value == null ? "" : value).replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g, "")
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  /* A cell's text: what XML cannot hold in Excel's escape (_xHHHH_), and a literal "_xHHHH_"
     with its underscore escaped, so that it reads back as written. */
  function cellText(value) {
    return text(String(value).replace(/_(x[0-9A-Fa-f]{4}_)/g, "_x005F_$1")
      .replace(/[\x00-\x08\x0B-\x1F\uFFFE\uFFFF]/g, function (c) {
        return "_x" + ("000" + c.charCodeAt(0).toString(16).toUpperCase()).slice(-4) + "_";
      }));
  }

  var XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

  /* A1, B1, … from a 0-based column and a 1-based row (the plan has fewer than 27 columns). */
  function cell(column, row) {
    return String.fromCharCode(65 + column) + row;
  }

  /* Row heights, as cookbook/plan_sheet.py sets them: LibreOffice does not fit a row to its
     wrapped text when it opens a file. The lines a text wraps to in a column `width` characters
     wide (about 1.1 characters of text to a unit of width); a row is as tall as its longest
     cell, in lines of 15 points, and a row of the plan at least two lines: room to write in. */
  var LINE_HEIGHT = 15, WRITING_LINES = 2;

  function wrappedLines(value, width) {
    var capacity = Math.max(1, Math.floor(width * 1.1)), lines = 1, used = 0;
    String(value).split(/\s+/).filter(Boolean).forEach(function (word) {
      if (used && used + 1 + word.length > capacity) {
        lines += 1;
        used = 0;
      }
      if (used) used += 1;
      used += word.length;
      while (used > capacity) {
        lines += 1;
        used -= capacity;
      }
    });
    return lines;
  }

  function rowHeight(values, columns, least) {
    var lines = least;
    columns.forEach(function (column, i) { lines = Math.max(lines, wrappedLines(values[i] == null ? "" : values[i], column.width)); });
    return LINE_HEIGHT * lines + 3;
  }

  function sheetName(name) {
    return (String(name).replace(/[\[\]:*?\/\\]/g, " ").replace(/^[' ]+|[' ]+$/g, "").slice(0, 31)) || "Plan";
  }

  function worksheet(sheet) {
    var columns = sheet.columns, last = cell(columns.length - 1, sheet.rows.length + 1);
    var out = [XML, '<worksheet xmlns="', MAIN, '" xmlns:r="', RELATIONSHIPS, '">',
      '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
      '<dimension ref="A1:', last, '"/>',
      '<sheetViews><sheetView tabSelected="1" workbookViewId="0">',
      '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>',
      '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
      '<sheetFormatPr defaultRowHeight="15"/><cols>'];
    columns.forEach(function (column, i) {
      // Excel's width of n characters of the default font, as XlsxWriter writes it.
      out.push('<col min="', i + 1, '" max="', i + 1, '" width="', column.width + 0.7109375, '" customWidth="1"/>');
    });
    out.push("</cols><sheetData>");
    var rows = [columns.map(function (column) { return column.label; })].concat(sheet.rows);
    rows.forEach(function (values, r) {
      out.push('<row r="', r + 1, '" ht="', rowHeight(values, columns, r === 0 ? 1 : WRITING_LINES), '" customHeight="1">');
      columns.forEach(function (column, c) {
        var style = r === 0 ? (column.fill ? HEADER_FILL_IN : HEADER) : column.fill ? FILL_IN : c === 0 ? LEVEL : CELL;
        var value = values[c] == null ? "" : String(values[c]).slice(0, 32767);  // Excel's limit
        if (value === "") out.push('<c r="', cell(c, r + 1), '" s="', style, '"/>');
        else out.push('<c r="', cell(c, r + 1), '" s="', style, '" t="inlineStr"><is><t xml:space="preserve">', cellText(value), "</t></is></c>");
      });
      out.push("</row>");
    });
    out.push('</sheetData><autoFilter ref="A1:', last, '"/>',
      '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.7" header="0.3" footer="0.3"/>',
      '<pageSetup paperSize="9" orientation="landscape" fitToHeight="0"/>',
      // In a footer '&' starts a code: the title's own are doubled.
      "<headerFooter><oddFooter>", text("&L" + String(sheet.title).replace(/&/g, "&&").slice(0, 200) + "&R&P / &N"),
      "</oddFooter></headerFooter></worksheet>");
    return out.join("");
  }

  function border(color) {
    var side = '<color rgb="' + color + '"/>';
    return "<border>" + ["left", "right", "top", "bottom"].map(function (name) {
      return "<" + name + ' style="thin">' + side + "</" + name + ">";
    }).join("") + "<diagonal/></border>";
  }

  function fill(color) {
    return '<fill><patternFill patternType="solid"><fgColor rgb="' + color + '"/><bgColor indexed="64"/></patternFill></fill>';
  }

  function xf(font, fillId, borderId) {
    return '<xf numFmtId="0" fontId="' + font + '" fillId="' + fillId + '" borderId="' + borderId + '" xfId="0" applyFont="1"' +
      ' applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>';
  }

  function styles() {
    var font = function (extra) { return "<font>" + extra + '<sz val="11"/><name val="Calibri"/><family val="2"/></font>'; };
    return [XML, '<styleSheet xmlns="', MAIN, '">',
      '<fonts count="3">', font(""), font('<b/><color rgb="FFFFFFFF"/>'), font('<b/><color rgb="' + BLUE + '"/>'), "</fonts>",
      '<fills count="5"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>',
      fill(BLUE), fill(ACCENT), fill(TINT), "</fills>",
      '<borders count="5"><border><left/><right/><top/><bottom/><diagonal/></border>', border(BLUE), border(ACCENT),
      '<border><left/><right/><top/><bottom style="thin"><color rgb="', RULE, '"/></bottom><diagonal/></border>', border(RULE), "</borders>",
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
      // 0 default, 1 header, 2 header of a column to fill in, 3 cell, 4 a level's name, 5 a cell to fill in.
      '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
      xf(1, 2, 1), xf(1, 3, 2), xf(0, 0, 3), xf(2, 0, 3), xf(0, 4, 4), "</cellXfs>",
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'].join("");
  }

  function workbookXml(sheet) {
    var name = sheetName(sheet.name), quoted = "'" + name.replace(/'/g, "''") + "'";
    var range = "$A$1:$" + cell(sheet.columns.length - 1, "$" + (sheet.rows.length + 1));
    return [XML, '<workbook xmlns="', MAIN, '" xmlns:r="', RELATIONSHIPS, '">',
      '<sheets><sheet name="', text(name), '" sheetId="1" r:id="rId1"/></sheets><definedNames>',
      '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">', text(quoted + "!" + range), "</definedName>",
      '<definedName name="_xlnm.Print_Titles" localSheetId="0">', text(quoted + "!$1:$1"), "</definedName>",
      "</definedNames></workbook>"].join("");
  }

  function core(sheet) {
    var when = (sheet.created || new Date()).toISOString().replace(/\.\d+Z$/, "Z");
    return [XML, '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"',
      ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"',
      ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
      "<dc:title>", text(sheet.title), "</dc:title><dc:subject>", text(sheet.subject), "</dc:subject>",
      "<dc:creator>", text(sheet.author), "</dc:creator><dc:description>", text(sheet.comment), "</dc:description>",
      '<dcterms:created xsi:type="dcterms:W3CDTF">', when, "</dcterms:created>",
      '<dcterms:modified xsi:type="dcterms:W3CDTF">', when, "</dcterms:modified></cp:coreProperties>"].join("");
  }

  function relationship(id, type, target) {
    return '<Relationship Id="' + id + '" Type="' + type + '" Target="' + target + '"/>';
  }

  var DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
  var CONTENT_TYPES = [XML, '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
    '<Default Extension="xml" ContentType="application/xml"/>',
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>',
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>',
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>',
    "</Types>"].join("");

  /* The workbook of `sheet` as bytes: {name, title, subject, author, comment, created (a Date),
     columns: [{label, width (characters), fill (a column to fill in)}], rows: [[text, …], …]}. */
  function workbook(sheet) {
    var encode = function (xml) { return new TextEncoder().encode(xml); };
    return zip([
      ["[Content_Types].xml", encode(CONTENT_TYPES)],
      ["_rels/.rels", encode(XML + '<Relationships xmlns="' + PACKAGE_RELATIONSHIPS + '">' +
        relationship("rId1", DOCUMENT + "officeDocument", "xl/workbook.xml") +
        relationship("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml") +
        "</Relationships>")],
      ["docProps/core.xml", encode(core(sheet))],
      ["xl/workbook.xml", encode(workbookXml(sheet))],
      ["xl/_rels/workbook.xml.rels", encode(XML + '<Relationships xmlns="' + PACKAGE_RELATIONSHIPS + '">' +
        relationship("rId1", DOCUMENT + "worksheet", "worksheets/sheet1.xml") +
        relationship("rId2", DOCUMENT + "styles", "styles.xml") + "</Relationships>")],
      ["xl/styles.xml", encode(styles())],
      ["xl/worksheets/sheet1.xml", encode(worksheet(sheet))]
    ]);
  }

  window.cookbookXlsx = { workbook: workbook };
})();
