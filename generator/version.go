package generator

// Version is misskey-gen's version. Generated packages record it in their
// User-Agent; it is not written anywhere that would make output depend on
// the build.
const Version = "v0.1.0"
