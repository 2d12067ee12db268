// Package badgeimage owns the checks on uploaded badge class images: PNG (signature, size and
// dimensions) and SVG (size, then sanitized to an allow-list of elements and attributes). It
// returns the exact bytes to store and serve, with their sha256 id.
package badgeimage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image/png"

	"github.com/rosettebadges/rosette/internal/badge"
)

// The limits on uploads.
const (
	MaxPNGBytes     = 2 << 20 // 2 MiB
	MaxPNGDimension = 2048    // pixels, width and height
	MaxSVGBytes     = 512 << 10
)

// The media types of stored images.
const (
	PNG = "image/png"
	SVG = "image/svg+xml"
)

// Image is a checked image, ready to store: ID is the lower-case hex sha256 of Bytes.
type Image struct {
	ID        string
	MediaType string
	Bytes     []byte
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Prepare checks an upload and returns the image to store. The type is told by the content:
// bytes starting with the PNG signature are a PNG (at most MaxPNGBytes, decodable header, at
// most MaxPNGDimension square); anything else must be an SVG document (at most MaxSVGBytes),
// returned sanitized by SanitizeSVG. Invalid (a badge.FieldError on "image") otherwise.
func Prepare(data []byte) (*Image, error) {
	bad := func(msg string, cause error) error { return badge.FieldError(badge.Invalid, "image", msg, cause) }
	if len(data) == 0 {
		return nil, bad("The image is empty.", nil)
	}
	if bytes.HasPrefix(data, pngSignature) {
		if len(data) > MaxPNGBytes {
			return nil, bad("The PNG image is too large (at most 2 MiB).", nil)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, bad("The PNG image cannot be read.", err)
		}
		if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxPNGDimension || cfg.Height > MaxPNGDimension {
			return nil, bad("The PNG image must be at most 2048 by 2048 pixels.", nil)
		}
		return newImage(PNG, bytes.Clone(data)), nil
	}
	if len(data) > MaxSVGBytes {
		return nil, bad("The SVG image is too large (at most 512 KiB).", nil)
	}
	clean, err := SanitizeSVG(data)
	if err != nil {
		return nil, bad("The image must be a PNG or an SVG: "+err.Error(), err)
	}
	return newImage(SVG, clean), nil
}

func newImage(mediaType string, b []byte) *Image {
	sum := sha256.Sum256(b)
	return &Image{ID: hex.EncodeToString(sum[:]), MediaType: mediaType, Bytes: b}
}
