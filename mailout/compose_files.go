package mailout

import (
	"bytes"
	"mime"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// File is an attachment a message carries, as received: the name, type
// and Content-ID are the sender's and are checked before they reach a
// header.
type File struct {
	Name        string
	ContentType string
	ContentID   string // without <>; an inline image's, so the body that shows it still can
	Inline      bool
	Data        []byte
}

// maxFileNameLen bounds an attachment's name in its headers.
const maxFileNameLen = 150

// addFiles attaches fs to m: inline images with a valid Content-ID as
// inline parts (multipart/related), everything else as attachments
// (multipart/mixed), each base64-encoded. The bytes are not copied.
func addFiles(m *gomail.Msg, fs []File) {
	for _, f := range fs {
		name := attachmentName(f.Name)
		opts := []gomail.FileOption{gomail.WithFileContentType(gomail.ContentType(fileType(f.ContentType)))}
		if f.Inline && validMsgID(f.ContentID) {
			opts = append(opts, gomail.WithFileContentID("<"+f.ContentID+">"))
			m.EmbedReadSeeker(name, bytes.NewReader(f.Data), opts...)
			continue
		}
		m.AttachReadSeeker(name, bytes.NewReader(f.Data), opts...)
	}
}

// attachmentName is a sender's file name made safe for the Content-Type and
// Content-Disposition parameters: one line, no path, bounded. go-mail
// then replaces quotes, slashes and the like and RFC 2047-encodes it.
func attachmentName(s string) string {
	s = headerText(s, maxFileNameLen)
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimLeft(s, ". ")
	if s == "" {
		return "attachment"
	}
	return s
}

// fileType is a sender's content type reduced to its media type when it
// parses as one (RFC 2045 §5.1), application/octet-stream otherwise: no
// parameter of the sender's reaches the header.
func fileType(s string) string {
	mt, _, err := mime.ParseMediaType(headerText(s, maxIDLen))
	if err != nil || !strings.Contains(mt, "/") {
		return "application/octet-stream"
	}
	return mt
}
