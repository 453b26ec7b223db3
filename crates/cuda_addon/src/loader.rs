//! Finds and opens a shared library at run time (dlopen), never at link time, and records every
//! place it looked so "not found" can say where.
//!
//! Order: the override variable alone when set; otherwise a copy already loaded in this process
//! (so we share state with, e.g., TensorFlow's CUDA), then the dynamic linker's own search
//! (`LD_LIBRARY_PATH`, `/etc/ld.so.cache`, `/lib`, `/usr/lib`), then fixed folders where drivers
//! and toolkits install (`/usr/local/cuda*/lib64`, container and WSL driver folders).
//! The toolkit's `stubs/` folder is never searched: its `libcuda.so` only returns
//! `CUDA_ERROR_STUB_LIBRARY`.

use std::ffi::{c_int, c_void, CStr};
use std::path::Path;

use libloading::os::unix::Library;

/// One library to look for.
pub struct LibrarySpec {
    /// What the library is, for messages ("CUDA driver").
    pub label: &'static str,
    /// Environment variable holding a full path that replaces the search.
    pub override_var: &'static str,
    /// File names, preferred first.
    pub names: &'static [&'static str],
    /// Fragment that identifies an already loaded copy in this process's link map.
    pub loaded_marker: &'static str,
    /// Whether to look in the toolkit folders (`/usr/local/cuda*/lib64`) instead of the driver's.
    pub toolkit_folders: bool,
    /// A symbol every version exports, used to tell which file the dynamic linker picked.
    pub probe_symbol: &'static str,
}

/// A library that opened, and the file it came from.
pub struct Opened {
    pub library: Library,
    pub path: String,
}

/// Every attempt, in order, as "where: outcome" lines.
pub type Searched = Vec<String>;

/// Folders where NVIDIA drivers install `libcuda.so.1` and `libnvidia-ml.so.1`: distribution
/// packages, the runfile installer, container runtimes (nvidia-container-toolkit, GPU operator)
/// and WSL.
#[cfg(target_arch = "x86_64")]
const DRIVER_FOLDERS: &[&str] = &[
    "/usr/local/cuda/compat",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib64",
    "/usr/local/nvidia/lib64",
    "/usr/lib/nvidia",
    "/run/nvidia/driver/usr/lib/x86_64-linux-gnu",
    "/run/nvidia/driver/usr/lib64",
    "/usr/lib/wsl/lib",
];
#[cfg(not(target_arch = "x86_64"))]
const DRIVER_FOLDERS: &[&str] = &[
    "/usr/local/cuda/compat",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/local/nvidia/lib64",
    "/usr/lib/nvidia",
    "/run/nvidia/driver/usr/lib/aarch64-linux-gnu",
    "/run/nvidia/driver/usr/lib64",
    "/usr/lib/wsl/lib",
];

/// Opens the first candidate that loads; on failure returns every attempt.
pub fn open(spec: &LibrarySpec) -> Result<(Opened, Searched), Searched> {
    let mut searched = Searched::new();
    if let Some(path) = std::env::var_os(spec.override_var).filter(|value| !value.is_empty()) {
        let path = path.to_string_lossy().into_owned();
        return match try_open(&path) {
            Ok(library) => Ok((
                Opened {
                    library,
                    path: path.clone(),
                },
                searched,
            )),
            Err(error) => {
                searched.push(error);
                Err(searched)
            }
        };
    }
    if let Some(path) = loaded_in_process(spec.loaded_marker) {
        if let Ok(library) = try_open(&path) {
            return Ok((Opened { library, path }, searched));
        }
    }
    for name in spec.names {
        match try_open(name) {
            Ok(library) => {
                let path = resolved_path(&library, name, spec.probe_symbol);
                return Ok((Opened { library, path }, searched));
            }
            Err(error) => searched.push(format!(
                "{name} via the dynamic linker (LD_LIBRARY_PATH={}, /etc/ld.so.cache, /lib, /usr/lib): {error}",
                std::env::var("LD_LIBRARY_PATH").unwrap_or_default()
            )),
        }
    }
    for folder in folders(spec.toolkit_folders) {
        let mut present = false;
        for name in spec.names {
            let path = format!("{folder}/{name}");
            if !Path::new(&path).exists() {
                continue;
            }
            present = true;
            match try_open(&path) {
                Ok(library) => return Ok((Opened { library, path }, searched)),
                Err(error) => searched.push(format!("{path}: {error}")),
            }
        }
        if !present {
            searched.push(format!("{folder}: no {}", spec.names.join(" or ")));
        }
    }
    Err(searched)
}

/// The path of a library already mapped into this process whose file name contains `marker`.
pub fn loaded_in_process(marker: &str) -> Option<String> {
    struct Search<'a> {
        marker: &'a str,
        found: Option<String>,
    }
    unsafe extern "C" fn visit(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        data: *mut c_void,
    ) -> c_int {
        let search = &mut *(data as *mut Search);
        let name_ptr = (*info).dlpi_name;
        if name_ptr.is_null() {
            return 0;
        }
        let name = CStr::from_ptr(name_ptr).to_string_lossy();
        let file = name.rsplit('/').next().unwrap_or_default();
        if file.starts_with(search.marker) && !name.contains("/stubs/") {
            search.found = Some(name.into_owned());
            return 1;
        }
        0
    }
    let mut search = Search {
        marker,
        found: None,
    };
    // SAFETY: `visit` matches the callback type dl_iterate_phdr expects, and `search` outlives the
    // call, which invokes `visit` synchronously on this thread only.
    unsafe {
        libc::dl_iterate_phdr(Some(visit), &mut search as *mut Search as *mut c_void);
    }
    search.found
}

fn try_open(path: &str) -> Result<Library, String> {
    // SAFETY: opening runs the library's initialisers; `path` is one of the CUDA driver, runtime or
    // NVML libraries this loader is for, whose initialisers are safe to run in any process.
    unsafe { Library::open(Some(path), libc::RTLD_NOW | libc::RTLD_LOCAL) }.map_err(|error| {
        // libloading's Display says only "dlopen failed"; the dlerror text is its source.
        std::error::Error::source(&error)
            .map(|source| source.to_string())
            .unwrap_or_else(|| error.to_string())
    })
}

/// Why `open` found nothing: the override's error, or a summary of every place it looked.
pub fn not_found(spec: &LibrarySpec, searched: &Searched) -> String {
    if let Some(path) = std::env::var_os(spec.override_var).filter(|value| !value.is_empty()) {
        return format!(
            "{} library cannot be opened from {}={}: {}",
            spec.label,
            spec.override_var,
            path.to_string_lossy(),
            searched
                .first()
                .map(String::as_str)
                .unwrap_or("unknown error")
        );
    }
    let linker = match std::env::var("LD_LIBRARY_PATH") {
        Ok(value) if !value.is_empty() => format!("LD_LIBRARY_PATH={value}"),
        _ => "LD_LIBRARY_PATH unset".to_string(),
    };
    format!(
        "{} library ({}) not found; looked in: libraries already loaded in this process, the \
         dynamic linker search ({linker}, /etc/ld.so.cache, /lib, /usr/lib), {}; set {} to its \
         full path if it is installed elsewhere",
        spec.label,
        spec.names.join(", "),
        folders(spec.toolkit_folders).join(", "),
        spec.override_var
    )
}

/// The file the dynamic linker picked for a bare `name`: the object that holds `probe_symbol`.
fn resolved_path(library: &Library, name: &str, probe_symbol: &str) -> String {
    let symbol = format!("{probe_symbol}\0");
    // SAFETY: the symbol is only looked up, never called: the pointer is read as an address for
    // dladdr while `library` is borrowed, so it stays loaded.
    let Ok(pointer) = (unsafe { library.get::<*mut c_void>(symbol.as_bytes()) }) else {
        return name.to_string();
    };
    // SAFETY: `Dl_info` is a plain C struct of pointers and integers, for which all-zero bytes are
    // a valid value.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: `pointer` is an address inside the still-loaded `library`, and `info` is a live local
    // that dladdr fills.
    if unsafe { libc::dladdr(*pointer as *const c_void, &mut info) } == 0
        || info.dli_fname.is_null()
    {
        return name.to_string();
    }
    // SAFETY: dladdr succeeded and `dli_fname` is non-null: it points at the dynamic linker's NUL-
    // terminated path of the loaded object, alive while `library` is.
    unsafe { CStr::from_ptr(info.dli_fname) }
        .to_string_lossy()
        .into_owned()
}

fn folders(toolkit: bool) -> Vec<String> {
    if !toolkit {
        return DRIVER_FOLDERS
            .iter()
            .map(|folder| folder.to_string())
            .collect();
    }
    let mut list = vec!["/usr/local/cuda/lib64".to_string()];
    list.extend(versioned_toolkits());
    list.push("/opt/cuda/lib64".to_string());
    list
}

/// `/usr/local/cuda-*/lib64`, newest version first.
fn versioned_toolkits() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/usr/local") else {
        return Vec::new();
    };
    let mut found: Vec<(Vec<u32>, String)> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version = name.strip_prefix("cuda-")?;
            let key = version
                .split('.')
                .filter_map(|part| part.parse().ok())
                .collect();
            Some((key, format!("/usr/local/{name}/lib64")))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().map(|(_, path)| path).collect()
}
