//! `prctl(PR_SET_PDEATHSIG, SIGKILL)`, declared by hand (std has no binding and the helper uses
//! no crates). The only `unsafe` of the helper.

use std::ffi::{c_int, c_ulong};
use std::io;

/// `PR_SET_PDEATHSIG` from `<linux/prctl.h>`.
const PR_SET_PDEATHSIG: c_int = 1;
/// `SIGKILL` (9 on every Linux architecture).
const SIGKILL: c_ulong = 9;

unsafe extern "C" {
    /// glibc's `int prctl(int option, ...)`.
    fn prctl(option: c_int, ...) -> c_int;
}

/// Asks the kernel to SIGKILL this process when the thread that forked it exits.
pub fn kill_me_when_parent_dies() -> io::Result<()> {
    // SAFETY: prctl(PR_SET_PDEATHSIG, sig) reads one integer argument, the signal number, and
    // only changes this process's own death-signal setting; it touches no memory of ours.
    let status = unsafe { prctl(PR_SET_PDEATHSIG, SIGKILL) };
    if status == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
